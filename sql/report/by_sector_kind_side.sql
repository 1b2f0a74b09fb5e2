SELECT coalesce(s.name, 'outside sectors') AS sector, i.kind, i.side, count(*) AS count
FROM linewatch.incident i
LEFT JOIN linewatch.sector s ON s.sector_id = i.sector_id
WHERE i.day BETWEEN :first_day AND :last_day
  AND i.started_at >= :period_start AND i.started_at < :period_end
GROUP BY 1, 2, 3
ORDER BY 1, 2, 3
