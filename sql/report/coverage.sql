-- Coverage: observations per feed in each time slot of the period (slot = :slot_minutes, local wall
-- clock from the period start). Every feed of the registry is listed, silent ones with zeros, and so is
-- any other feed that delivered for the period.
WITH slot AS (
    SELECT g.n, g.slot_start
    FROM generate_series(CAST(:period_start AS timestamptz),
                         CAST(:period_end AS timestamptz) - interval '1 microsecond',
                         make_interval(mins => CAST(:slot_minutes AS integer))) WITH ORDINALITY AS g(slot_start, n)
), feed AS (
    SELECT unnest(CAST(:feed_names AS text[])) AS feed
    UNION
    SELECT DISTINCT o.feed FROM linewatch.observation o
    WHERE o.observed_at >= :period_start AND o.observed_at < :period_end
), counted AS (
    SELECT o.feed,
           CAST(floor(extract(epoch FROM o.observed_at - CAST(:period_start AS timestamptz))
                      / (60 * CAST(:slot_minutes AS integer))) AS integer) + 1 AS n,
           count(*) AS observations
    FROM linewatch.observation o
    WHERE o.observed_at >= :period_start AND o.observed_at < :period_end
    GROUP BY 1, 2
)
SELECT f.feed, array_agg(s.slot_start ORDER BY s.n) AS slot_starts,
       array_agg(coalesce(c.observations, 0) ORDER BY s.n) AS counts
FROM feed f CROSS JOIN slot s
LEFT JOIN counted c ON c.feed = f.feed AND c.n = s.n
GROUP BY f.feed
ORDER BY f.feed
