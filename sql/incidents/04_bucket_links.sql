-- Clusters of adjacent time buckets that hold a pair of observations within eps_m and the window.
CREATE TEMP TABLE incident_link ON COMMIT DROP AS
SELECT DISTINCT a.cluster_key AS a, b.cluster_key AS b
FROM incident_precise a
JOIN incident_precise b
  ON ST_3DDWithin(b.bucket_point, ST_Translate(a.bucket_point, 0, 0, 1e7), CAST(:eps_m AS float8))
 AND b.family = a.family AND b.bucket = a.bucket + 1
 AND b.observed_at - a.observed_at <= a.time_window
