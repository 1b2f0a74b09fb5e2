-- For one reporting day and each configured rule: the flag pass on record (if any) and the observations
-- the day holds now. A pass that saw fewer observations than there are now is stale (data came later).
SELECT r.rule, f.observations AS flagged_observations, f.ran_at,
       (SELECT count(*) FROM linewatch.observation o
         WHERE o.observed_at >= :period_start AND o.observed_at < :period_end) AS observations
FROM unnest(CAST(:rules AS text[])) AS r(rule)
LEFT JOIN linewatch.flag_run f ON f.day = :day AND f.rule = r.rule
ORDER BY r.rule
