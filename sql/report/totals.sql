-- Headline numbers for one reporting period (incidents are the events; observations the reports).
-- Incidents belong to the period by started_at; incident.day only narrows the search to the index.
SELECT
  (SELECT count(*) FROM linewatch.observation
    WHERE observed_at >= :period_start AND observed_at < :period_end) AS observations,
  (SELECT count(*) FROM linewatch.flag f JOIN linewatch.observation o USING (obs_id)
    WHERE f.day BETWEEN :first_day AND :last_day AND f.rule = 'line_proximity'
      AND o.observed_at >= :period_start AND o.observed_at < :period_end) AS flagged,
  count(*) FILTER (WHERE i.kind = ANY(CAST(:violation_kinds AS text[]))) AS violations,
  count(*) FILTER (WHERE i.kind = ANY(CAST(:explosion_kinds AS text[]))) AS explosions,
  count(*) AS incidents
FROM linewatch.incident i
WHERE i.day BETWEEN :first_day AND :last_day
  AND i.started_at >= :period_start AND i.started_at < :period_end
