-- The newest data a feed has delivered as of :as_of: the latest coverage_end of its loaded batches that
-- began before :as_of (so a backfill of a past day judges that day, not data loaded since), and the
-- most recent failed batch for context.
SELECT (SELECT max(b.coverage_end) FROM linewatch.ingest_batch b
         WHERE b.feed = :feed AND b.status = 'loaded' AND b.coverage_start < :as_of) AS last_covered,
       (SELECT max(b.finished_at) FROM linewatch.ingest_batch b
         WHERE b.feed = :feed AND b.status = 'loaded' AND b.coverage_start < :as_of) AS last_loaded_at,
       (SELECT max(b.finished_at) FROM linewatch.ingest_batch b
         WHERE b.feed = :feed AND b.status = 'failed') AS last_failed_at
