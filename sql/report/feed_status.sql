-- Sensor outages: each feed of the registry (and any other that delivered) for the period.
-- silent: no observation in the period. late: a file covering the period was loaded after the period's
-- end plus the feed's expected delay. on time: otherwise. Deliveries are the loaded batches whose
-- coverage (first to last observation) overlaps the period.
WITH registry AS (
    SELECT * FROM unnest(CAST(:feed_names AS text[]), CAST(:feed_delay_hours AS float8[])) AS r(feed, delay_hours)
), feed AS (
    SELECT feed, delay_hours, true AS registered FROM registry
    UNION ALL
    SELECT DISTINCT o.feed, CAST(NULL AS float8), false
    FROM linewatch.observation o
    WHERE o.observed_at >= :period_start AND o.observed_at < :period_end
      AND o.feed NOT IN (SELECT feed FROM registry)
), seen AS (
    SELECT o.feed, count(*) AS observations, min(o.observed_at) AS first_at, max(o.observed_at) AS last_at
    FROM linewatch.observation o
    WHERE o.observed_at >= :period_start AND o.observed_at < :period_end
    GROUP BY o.feed
), delivered AS (
    SELECT b.feed, count(*) AS batches, max(b.finished_at) AS last_delivery
    FROM linewatch.ingest_batch b
    WHERE b.status = 'loaded' AND b.coverage_start < :period_end AND b.coverage_end >= :period_start
    GROUP BY b.feed
)
SELECT f.feed, f.registered, coalesce(s.observations, 0) AS observations, s.first_at, s.last_at,
       coalesce(d.batches, 0) AS batches, d.last_delivery,
       CASE WHEN coalesce(s.observations, 0) = 0 THEN 'silent'
            WHEN d.last_delivery > CAST(:period_end AS timestamptz)
                                   + make_interval(secs => coalesce(f.delay_hours, 0) * 3600) THEN 'late'
            ELSE 'on time' END AS status
FROM feed f
LEFT JOIN seen s ON s.feed = f.feed
LEFT JOIN delivered d ON d.feed = f.feed
ORDER BY f.registered DESC, f.feed
