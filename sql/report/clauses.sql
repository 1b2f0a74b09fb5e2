-- The agreement clauses the period's incidents may breach: each rule of the rule book with its clause
-- and the number of incidents it flagged.
WITH counted AS (
    SELECT r.rule, count(*) AS incidents
    FROM linewatch.incident i, jsonb_array_elements_text(i.rules) AS r(rule)
    WHERE i.day BETWEEN :first_day AND :last_day
      AND i.started_at >= :period_start AND i.started_at < :period_end
    GROUP BY r.rule
)
SELECT b.rule, b.clause, coalesce(c.incidents, 0) AS incidents
FROM unnest(CAST(:rule_names AS text[]), CAST(:rule_clauses AS text[])) WITH ORDINALITY AS b(rule, clause, position)
LEFT JOIN counted c ON c.rule = b.rule
ORDER BY b.position
