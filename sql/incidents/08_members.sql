-- Every candidate with its incident: precise ones as clustered; a coarse one joins the nearest precise
-- member of its family that lies within its own uncertainty and time precision (plus the window); a
-- coarse one with no such neighbour starts its own incident, clustered with other such ones.
CREATE TEMP TABLE incident_member ON COMMIT DROP AS
WITH attached AS (
    SELECT c.obs_id, n.cluster_key
    FROM incident_candidate c
    CROSS JOIN LATERAL (
        SELECT p.cluster_key
        FROM incident_precise p
        WHERE p.family = c.family
          AND ST_DWithin(p.mgeom, c.mgeom, greatest(c.uncertainty_m, CAST(:eps_m AS float8)))
          AND abs(extract(epoch FROM p.observed_at - c.observed_at))
              <= c.time_precision_s + extract(epoch FROM c.time_window)
        ORDER BY p.mgeom <-> c.mgeom, p.obs_id
        LIMIT 1
    ) n
    WHERE c.coarse
), alone AS (
    SELECT c.*, ST_ClusterDBSCAN(c.mgeom, eps => CAST(:eps_m AS float8), minpoints => 1)
                  OVER (PARTITION BY c.family) AS space_cluster
    FROM incident_candidate c
    WHERE c.coarse AND c.obs_id NOT IN (SELECT obs_id FROM attached)
), alone_gaps AS (
    SELECT *, CASE WHEN observed_at - lag(observed_at) OVER w > time_window THEN 1 ELSE 0 END AS new_incident
    FROM alone
    WINDOW w AS (PARTITION BY family, space_cluster ORDER BY observed_at, obs_id)
), keys AS (
    SELECT obs_id, cluster_key FROM incident_precise
    UNION ALL
    SELECT obs_id, cluster_key FROM attached
    UNION ALL
    SELECT obs_id, 'c:' || family || ':' || space_cluster || ':' ||
                   sum(new_incident) OVER (PARTITION BY family, space_cluster ORDER BY observed_at, obs_id)
    FROM alone_gaps
)
SELECT c.*, k.cluster_key
FROM incident_candidate c JOIN keys k USING (obs_id)
