INSERT INTO linewatch.ingest_batch (feed, format, file_name, sha256, status)
VALUES (:feed, :format, :file_name, :sha256, 'running')
RETURNING batch_id
