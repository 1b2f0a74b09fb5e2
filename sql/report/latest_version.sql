SELECT version, content_hash, summary, files FROM linewatch.daily_report
WHERE report_date = :day ORDER BY version DESC LIMIT 1
