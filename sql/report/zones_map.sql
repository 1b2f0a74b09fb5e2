SELECT kind, name, geom FROM linewatch.zone
WHERE valid_from < :period_end AND (valid_to IS NULL OR valid_to > :period_start)
ORDER BY kind, name
