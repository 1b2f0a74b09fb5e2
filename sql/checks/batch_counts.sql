-- One ingest batch's bookkeeping next to the rows that really are in the database because of it.
SELECT b.batch_id, b.feed, b.file_name, b.status, b.rows_read, b.rows_loaded, b.rows_updated,
       b.rows_rejected, b.rows_duplicate,
       (SELECT count(*) FROM linewatch.observation o WHERE o.batch_id = b.batch_id) AS observations,
       (SELECT count(*) FROM linewatch.rejected_row r WHERE r.batch_id = b.batch_id AND NOT r.is_duplicate)
           AS rejected_rows,
       (SELECT count(*) FROM linewatch.rejected_row r WHERE r.batch_id = b.batch_id AND r.is_duplicate)
           AS duplicate_rows,
       -- A later loaded batch of the feed may have revised (taken over) some of this batch's observations.
       NOT EXISTS (SELECT 1 FROM linewatch.ingest_batch l
                    WHERE l.feed = b.feed AND l.status = 'loaded' AND l.batch_id > b.batch_id) AS is_newest
FROM linewatch.ingest_batch b
WHERE b.batch_id = :batch_id
