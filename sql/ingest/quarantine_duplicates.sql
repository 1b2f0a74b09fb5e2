-- A source_id seen again later in the same file is quarantined as a duplicate of its first line.
INSERT INTO linewatch.rejected_row (batch_id, line_number, raw, reason, is_duplicate)
SELECT :batch_id, s.line_number, s.raw,
       format('duplicate: source_id %L already at line %s', s.source_id, f.first_line), true
FROM observation_staging s
JOIN (SELECT source_id, min(line_number) AS first_line
        FROM observation_staging GROUP BY source_id HAVING count(*) > 1) f
  ON f.source_id = s.source_id AND s.line_number > f.first_line
