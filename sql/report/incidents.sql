-- Every incident of the period, worst first, with its grading, the clauses it may breach, where it was
-- (named), and the chain back to the raw files: observation IDs and the ingest batches they came in.
SELECT i.incident_id, i.kind, coalesce(s.name, 'outside sectors') AS sector, i.side, i.band,
       round(CAST(i.distance_m AS numeric), 1)::float8 AS distance_m,
       i.started_at, i.ended_at, i.observations, i.corroboration, i.confidence_grade, i.admiralty, i.severity,
       round(CAST(ST_X(i.geom) AS numeric), 6)::float8 AS lon, round(CAST(ST_Y(i.geom) AS numeric), 6)::float8 AS lat,
       round(CAST(i.uncertainty_m AS numeric), 1)::float8 AS uncertainty_m, i.rules, i.clauses,
       i.weapon_class, i.weapon_count,
       m.obs_ids, m.batch_ids, m.feeds,
       p.settlement, p.settlement_m, p.settlement_occupied, p.reference_town, p.reference_m,
       p.reference_occupied, p.azimuth_deg
FROM linewatch.incident i
LEFT JOIN linewatch.sector s ON s.sector_id = i.sector_id
LEFT JOIN report_place p ON p.place_key = i.incident_id
LEFT JOIN LATERAL (
    SELECT array_agg(l.obs_id ORDER BY l.obs_id) AS obs_ids,
           array_agg(DISTINCT o.batch_id ORDER BY o.batch_id) AS batch_ids,
           array_agg(DISTINCT o.feed ORDER BY o.feed) AS feeds
    FROM linewatch.incident_observation l JOIN linewatch.observation o ON o.obs_id = l.obs_id
    WHERE l.incident_id = i.incident_id
) m ON true
WHERE i.day BETWEEN :first_day AND :last_day
  AND i.started_at >= :period_start AND i.started_at < :period_end
ORDER BY i.severity DESC, i.incident_id
