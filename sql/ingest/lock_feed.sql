-- Loads of one feed run one at a time (until commit): a load then knows which of its source_ids are
-- new, and can insert them without ON CONFLICT (see staged_are_new.sql). Other feeds are not blocked.
SELECT pg_advisory_xact_lock(hashtextextended('linewatch.ingest:' || :feed, 0))
