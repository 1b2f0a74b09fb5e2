-- Failed batches started before :cutoff (optionally of one feed). No observation points at a failed
-- batch (a failed load rolls back); their rejected rows go with them (ON DELETE CASCADE).
DELETE FROM linewatch.ingest_batch b
WHERE b.status = 'failed' AND b.started_at < :cutoff
  AND (CAST(:feed AS text) IS NULL OR b.feed = :feed)
  AND NOT EXISTS (SELECT 1 FROM linewatch.observation o WHERE o.batch_id = b.batch_id)
