-- The headline numbers of a day's latest published report version.
SELECT version, summary -> 'totals' AS totals, files ->> 'html' AS html
FROM linewatch.daily_report
WHERE report_date = :day
ORDER BY version DESC
LIMIT 1
