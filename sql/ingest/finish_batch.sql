UPDATE linewatch.ingest_batch
   SET status = 'loaded', rows_read = :rows_read, rows_loaded = :rows_loaded, rows_updated = :rows_updated,
       rows_rejected = :rows_rejected, rows_duplicate = :rows_duplicate,
       coverage_start = :coverage_start, coverage_end = :coverage_end, finished_at = now()
 WHERE batch_id = :batch_id
