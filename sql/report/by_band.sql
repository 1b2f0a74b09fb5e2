-- Incidents per distance band, in band order, every band listed.
SELECT b.band, count(i.incident_id) AS count
FROM unnest(CAST(:band_labels AS text[])) WITH ORDINALITY AS b(band, position)
LEFT JOIN linewatch.incident i ON i.band = b.band AND i.day = :day
GROUP BY b.band, b.position
ORDER BY b.position
