SELECT i.incident_id, i.kind, coalesce(s.name, 'outside sectors') AS sector, i.side, i.band,
       round(CAST(i.distance_m AS numeric), 1)::float8 AS distance_m,
       i.started_at, i.ended_at, i.observations, i.corroboration, i.confidence_grade, i.severity,
       round(CAST(ST_X(i.geom) AS numeric), 6)::float8 AS lon, round(CAST(ST_Y(i.geom) AS numeric), 6)::float8 AS lat,
       round(CAST(i.uncertainty_m AS numeric), 1)::float8 AS uncertainty_m, i.rules,
       (SELECT array_agg(l.obs_id ORDER BY l.obs_id) FROM linewatch.incident_observation l
         WHERE l.incident_id = i.incident_id) AS obs_ids
FROM linewatch.incident i
LEFT JOIN linewatch.sector s ON s.sector_id = i.sector_id
WHERE i.day = :day
ORDER BY i.severity DESC, i.incident_id
