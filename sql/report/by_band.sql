-- Incidents per distance band, in band order, every band listed.
WITH counted AS (
    SELECT i.band, count(*) AS count
    FROM linewatch.incident i
    WHERE i.day BETWEEN :first_day AND :last_day
      AND i.started_at >= :period_start AND i.started_at < :period_end
    GROUP BY i.band
)
SELECT b.band, coalesce(c.count, 0) AS count
FROM unnest(CAST(:band_labels AS text[])) WITH ORDINALITY AS b(band, position)
LEFT JOIN counted c ON c.band = b.band
ORDER BY b.position
