SELECT incident_id, kind, severity, geom FROM linewatch.incident WHERE day = :day ORDER BY incident_id
