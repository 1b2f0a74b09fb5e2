-- The incidents of the reporting days, with what matching them to ground truth needs: place, time span,
-- uncertainty in space and in time (the coarsest member's time precision: an ACLED row is dated only
-- to the day), sector name and the rules that flagged them.
SELECT i.incident_id, i.day, i.kind,
       CASE WHEN i.kind = ANY(CAST(:violation_kinds AS text[])) THEN 'violation' ELSE i.kind END AS family,
       i.started_at, i.ended_at, ST_X(i.geom) AS lon, ST_Y(i.geom) AS lat, i.uncertainty_m,
       coalesce(s.name, '') AS sector, i.rules,
       (SELECT coalesce(max(o.time_precision_s), 0)
          FROM linewatch.incident_observation l JOIN linewatch.observation o ON o.obs_id = l.obs_id
         WHERE l.incident_id = i.incident_id) AS time_precision_s
FROM linewatch.incident i
LEFT JOIN linewatch.sector s ON s.sector_id = i.sector_id
WHERE i.day BETWEEN :first AND :last
ORDER BY i.incident_id
