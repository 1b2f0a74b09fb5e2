-- Incidents by local hour of day (when they started), every hour listed. On the autumn DST day the
-- repeated hour 03 holds both of its occurrences.
WITH counted AS (
    SELECT CAST(extract(hour FROM i.started_at AT TIME ZONE :tz) AS integer) AS hour,
           count(*) FILTER (WHERE i.kind = ANY(CAST(:violation_kinds AS text[]))) AS violations,
           count(*) FILTER (WHERE i.kind = ANY(CAST(:explosion_kinds AS text[]))) AS explosions,
           count(*) AS incidents
    FROM linewatch.incident i
    WHERE i.day BETWEEN :first_day AND :last_day
      AND i.started_at >= :period_start AND i.started_at < :period_end
    GROUP BY 1
)
SELECT h.hour, coalesce(c.violations, 0) AS violations, coalesce(c.explosions, 0) AS explosions,
       coalesce(c.incidents, 0) AS incidents
FROM generate_series(0, 23) AS h(hour)
LEFT JOIN counted c ON c.hour = h.hour
ORDER BY h.hour
