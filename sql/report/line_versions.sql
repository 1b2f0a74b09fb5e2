-- Versions of the line of occupation in force at any time during the period.
SELECT version, valid_from, valid_to, geom
FROM linewatch.line_of_occupation
WHERE valid_from < :period_end AND (valid_to IS NULL OR valid_to > :period_start)
ORDER BY valid_from
