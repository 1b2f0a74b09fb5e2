-- Provenance: the batches (files, with their sha256) behind the period's observations and incidents.
SELECT b.feed, b.batch_id, b.file_name, b.sha256, b.rows_read, b.rows_loaded, b.rows_rejected, b.rows_duplicate,
       b.coverage_start, b.coverage_end, b.finished_at
FROM linewatch.ingest_batch b
WHERE b.batch_id IN (SELECT DISTINCT batch_id FROM linewatch.observation
                      WHERE observed_at >= :period_start AND observed_at < :period_end)
ORDER BY b.feed, b.batch_id
