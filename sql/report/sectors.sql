-- Violations and explosions per sector for one day (every sector listed, quiet ones with zero).
SELECT s.name AS sector,
       count(i.incident_id) FILTER (WHERE i.kind = ANY(CAST(:violation_kinds AS text[]))) AS violations,
       count(i.incident_id) FILTER (WHERE i.kind = ANY(CAST(:explosion_kinds AS text[]))) AS explosions
FROM linewatch.sector s
LEFT JOIN linewatch.incident i ON i.sector_id = s.sector_id AND i.day = :day
GROUP BY s.name
ORDER BY s.name
