SELECT batch_id, rows_read, rows_loaded, rows_updated, rows_rejected, rows_duplicate
FROM linewatch.ingest_batch
WHERE feed = :feed AND sha256 = :sha256 AND status = 'loaded'
