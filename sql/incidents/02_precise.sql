-- Incidents seeded by precise observations. Space: DBSCAN (minpoints 1, so every observation belongs to a
-- cluster) per family. Time: within a spatial cluster, a gap longer than the family's window starts a new
-- incident (a fire burns for hours and satellites pass every ~25 minutes: its window is longer).
CREATE TEMP TABLE incident_precise ON COMMIT DROP AS
WITH spatial AS (
    SELECT *, ST_ClusterDBSCAN(mgeom, eps => CAST(:eps_m AS float8), minpoints => 1)
                OVER (PARTITION BY family) AS space_cluster
    FROM incident_candidate
    WHERE NOT coarse
), gaps AS (
    SELECT *, CASE WHEN observed_at - lag(observed_at) OVER w > time_window THEN 1 ELSE 0 END AS new_incident
    FROM spatial
    WINDOW w AS (PARTITION BY family, space_cluster ORDER BY observed_at, obs_id)
)
SELECT obs_id, family, observed_at, mgeom,
       'p:' || family || ':' || space_cluster || ':' ||
       sum(new_incident) OVER (PARTITION BY family, space_cluster ORDER BY observed_at, obs_id) AS cluster_key
FROM gaps
