-- Written in its own transaction after the load rolled back: the failure is on record, the data untouched.
INSERT INTO linewatch.ingest_batch (feed, format, file_name, sha256, status, error, finished_at)
VALUES (:feed, :format, :file_name, :sha256, 'failed', :error, now())
RETURNING batch_id
