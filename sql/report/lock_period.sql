-- One publish of a report period at a time (a scheduled run and a manual re-run of the same day would
-- otherwise both write version N): held until the transaction ends.
SELECT pg_advisory_xact_lock(hashtextextended(:lock_key, 0))
