SELECT incident_id, kind, severity, geom FROM linewatch.incident
WHERE day BETWEEN :first_day AND :last_day AND started_at >= :period_start AND started_at < :period_end
ORDER BY incident_id
