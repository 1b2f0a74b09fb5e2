-- Headline numbers for one reporting period (incidents are the events; observations the reports).
SELECT
  (SELECT count(*) FROM linewatch.observation
    WHERE observed_at >= :period_start AND observed_at < :period_end) AS observations,
  (SELECT count(*) FROM linewatch.flag WHERE day = :day AND rule = 'line_proximity') AS flagged,
  count(*) FILTER (WHERE i.kind = ANY(CAST(:violation_kinds AS text[]))) AS violations,
  count(*) FILTER (WHERE i.kind = ANY(CAST(:explosion_kinds AS text[]))) AS explosions,
  count(*) AS incidents
FROM linewatch.incident i
WHERE i.day = :day
