INSERT INTO linewatch.flag_run (day, rule, observations, flags)
VALUES (:day, :rule, :observations, :flags)
ON CONFLICT (day, rule) DO UPDATE
   SET observations = EXCLUDED.observations, flags = EXCLUDED.flags, ran_at = now()
