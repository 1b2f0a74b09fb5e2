-- Violations and explosions per sector in each window: window 1 is the period itself, 2 the previous
-- period, 2..8 the seven previous periods (for the 7-period average). Every sector is listed in every
-- window, quiet ones with zero; the row with sector NULL is all incidents, outside sectors included.
WITH w AS (
    SELECT * FROM unnest(CAST(:window_starts AS timestamptz[]), CAST(:window_ends AS timestamptz[]))
                  WITH ORDINALITY AS w(start_at, end_at, n)
), counted AS (
    SELECT w.n, i.sector_id,
           count(*) FILTER (WHERE i.kind = ANY(CAST(:violation_kinds AS text[]))) AS violations,
           count(*) FILTER (WHERE i.kind = ANY(CAST(:explosion_kinds AS text[]))) AS explosions
    FROM w
    JOIN linewatch.incident i
      ON i.day BETWEEN :windows_first_day AND :last_day
     AND i.started_at >= w.start_at AND i.started_at < w.end_at
    GROUP BY w.n, i.sector_id
)
SELECT s.name AS sector, w.n AS window, coalesce(c.violations, 0) AS violations,
       coalesce(c.explosions, 0) AS explosions
FROM linewatch.sector s CROSS JOIN w
LEFT JOIN counted c ON c.sector_id = s.sector_id AND c.n = w.n
UNION ALL
SELECT NULL, w.n, coalesce(sum(c.violations), 0)::bigint, coalesce(sum(c.explosions), 0)::bigint
FROM w LEFT JOIN counted c ON c.n = w.n
GROUP BY w.n
ORDER BY 1 NULLS FIRST, 2
