-- Incidents seeded by precise observations: single-linkage clustering in space AND time, two observations
-- linked when they are within eps_m and within their family's window of each other (a fire burns for
-- hours and satellites pass every ~25 minutes: its window is longer).
-- Time is cut into buckets one window wide. Inside a bucket every pair is within the window, so a
-- spatial DBSCAN (minpoints 1) per (family, bucket) links exactly the right pairs; pairs in adjacent
-- buckets are linked by 04_bucket_links.sql and linked clusters merged (05_labels.sql, 07_relabel.sql).
-- Dense days therefore never chain one place's morning to another place's evening.
CREATE TEMP TABLE incident_precise ON COMMIT DROP AS
WITH bucketed AS (
    SELECT obs_id, family, observed_at, mgeom, time_window,
           floor(extract(epoch FROM observed_at) / extract(epoch FROM time_window))::bigint AS bucket
    FROM incident_candidate
    WHERE NOT coarse
)
SELECT obs_id, family, observed_at, mgeom, time_window, bucket,
       -- The bucket as a third coordinate (buckets 10,000 km apart), so that one n-D index finds a
       -- point's neighbours in the next bucket directly (04_bucket_links.sql).
       ST_MakePoint(ST_X(mgeom), ST_Y(mgeom), bucket * 1e7) AS bucket_point,
       'p:' || family || ':' || bucket || ':' ||
       ST_ClusterDBSCAN(mgeom, eps => CAST(:eps_m AS float8), minpoints => 1) OVER (PARTITION BY family, bucket)
           AS cluster_key
FROM bucketed
