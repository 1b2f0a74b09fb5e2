-- Provenance annex: each observation behind the period's incidents, with its feed batch.
SELECT o.obs_id, l.incident_id, o.feed, o.source_id, o.observed_at, o.kind, o.batch_id
FROM linewatch.incident i
JOIN linewatch.incident_observation l ON l.incident_id = i.incident_id
JOIN linewatch.observation o ON o.obs_id = l.obs_id
WHERE i.day BETWEEN :first_day AND :last_day
  AND i.started_at >= :period_start AND i.started_at < :period_end
ORDER BY o.obs_id
