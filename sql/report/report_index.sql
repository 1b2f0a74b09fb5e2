-- Every version of every daily report, for the index page: newest day first, versions in order.
SELECT report_date, version, period_start, period_end, files, change_note, generated_at,
       summary -> 'totals' AS totals, summary -> 'sectors' AS sectors
FROM linewatch.daily_report
ORDER BY report_date DESC, version
