-- Restrictions of the mission's freedom of movement (access denied, jamming) reported in the period,
-- flagged or not: each report, where, by which feed, and the feed's own note.
SELECT count(*) OVER () AS total, o.obs_id, l.incident_id, o.kind, o.feed, o.batch_id, o.observed_at, o.attributes ->> 'notes' AS notes,
       p.settlement, p.settlement_m, p.settlement_occupied, p.reference_town, p.reference_m,
       p.reference_occupied, p.azimuth_deg
FROM linewatch.observation o
LEFT JOIN linewatch.incident_observation l ON l.obs_id = o.obs_id
LEFT JOIN report_place p ON p.place_key = 'obs:' || o.obs_id
WHERE o.kind = ANY(CAST(:movement_kinds AS text[]))
  AND o.observed_at >= :period_start AND o.observed_at < :period_end
ORDER BY o.observed_at, o.obs_id
LIMIT :limit
