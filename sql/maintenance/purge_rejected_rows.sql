-- Quarantined rows of batches started before :cutoff (optionally of one feed). The batch rows stay:
-- their counts remain the record of what was rejected.
DELETE FROM linewatch.rejected_row r
USING linewatch.ingest_batch b
WHERE b.batch_id = r.batch_id AND b.started_at < :cutoff
  AND (CAST(:feed AS text) IS NULL OR b.feed = :feed)
