-- True when no staged source_id is stored for this feed yet (the usual case for a new file): the chunk
-- is then inserted as it is (insert_observations.sql), without ON CONFLICT's speculative insertion,
-- ~20% of the merge's cost. One probe of the unique index per staged row: the LIMIT keeps the planner
-- from turning it into a hash join over the whole observation table.
SELECT NOT EXISTS (
    SELECT FROM observation_staging s
    CROSS JOIN LATERAL (SELECT FROM linewatch.observation o
                        WHERE o.feed = :feed AND o.source_id = s.source_id LIMIT 1) stored)
