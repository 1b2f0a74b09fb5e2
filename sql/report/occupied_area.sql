-- The occupied area in force at the end of the period (the map shows the latest picture).
SELECT version, geom FROM linewatch.occupied_area
WHERE valid_from < :period_end AND (valid_to IS NULL OR valid_to >= :period_end)
ORDER BY valid_from DESC
LIMIT 1
