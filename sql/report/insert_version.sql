INSERT INTO linewatch.daily_report (report_date, version, period_start, period_end, content_hash, summary,
                                    files, change_note)
VALUES (:day, :version, :period_start, :period_end, :content_hash, CAST(:summary AS jsonb),
        CAST(:files AS jsonb), :change_note)
