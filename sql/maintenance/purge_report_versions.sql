-- Report versions generated before :cutoff, except each day's latest version, which is always kept.
-- Returns what was deleted so that the caller removes the same versions' files.
DELETE FROM linewatch.daily_report d
WHERE d.generated_at < :cutoff
  AND d.version < (SELECT max(l.version) FROM linewatch.daily_report l WHERE l.report_date = d.report_date)
RETURNING d.report_date, d.version, d.files
