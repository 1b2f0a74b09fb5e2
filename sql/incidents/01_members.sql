-- Cluster the day's flagged observations in space and time.
-- Space: DBSCAN (minpoints 1, so every observation belongs to a cluster) in a metric CRS, separately
-- for ceasefire violations (all kinds of fire are one family: the crater a camera sees and the
-- explosion an acoustic sensor hears are the same event) and for each other kind.
-- Time: within a spatial cluster, a gap longer than the window starts a new incident.
CREATE TEMP TABLE incident_member ON COMMIT DROP AS
WITH flagged AS (
    SELECT o.obs_id, o.feed, o.source_id, o.observed_at, o.kind, o.uncertainty_m, o.geom,
           f.sector_id, f.side, f.band, f.distance_m,
           CASE WHEN o.kind = ANY(CAST(:violation_kinds AS text[])) THEN 'violation' ELSE o.kind END AS family,
           ST_Transform(o.geom, CAST(:metric_srid AS integer)) AS mgeom
    FROM linewatch.flag f
    JOIN linewatch.observation o ON o.obs_id = f.obs_id
    WHERE f.rule = 'line_proximity' AND f.day = :day
), spatial AS (
    SELECT *, ST_ClusterDBSCAN(mgeom, eps => CAST(:eps_m AS float8), minpoints => 1)
                OVER (PARTITION BY family) AS space_cluster
    FROM flagged
), gaps AS (
    SELECT *, CASE WHEN observed_at - lag(observed_at) OVER w > make_interval(mins => CAST(:window_minutes AS integer))
                   THEN 1 ELSE 0 END AS new_incident
    FROM spatial
    WINDOW w AS (PARTITION BY family, space_cluster ORDER BY observed_at, obs_id)
)
SELECT *, family || ':' || space_cluster || ':' ||
          sum(new_incident) OVER (PARTITION BY family, space_cluster ORDER BY observed_at, obs_id) AS cluster_key
FROM gaps
