-- Cluster the day's flagged observations (flagged by any rule) in space and time.
-- Space: DBSCAN (minpoints 1, so every observation belongs to a cluster) in the front projection,
-- separately for ceasefire violations (all kinds of fire are one family: the crater a camera sees and
-- the explosion an acoustic sensor hears are the same event) and for each other kind.
-- Time: within a spatial cluster, a gap longer than the family's window starts a new incident (a fire burns
-- for hours and satellites pass every ~25 minutes: its window is longer than an exchange of fire's).
CREATE TEMP TABLE incident_member ON COMMIT DROP AS
WITH per_observation AS (
    SELECT f.obs_id, array_agg(DISTINCT f.rule ORDER BY f.rule) AS rules,
           array_agg(DISTINCT f.clause ORDER BY f.clause) AS clauses,
           min(f.distance_m) AS distance_m, min(f.side) AS side, min(f.sector_id) AS sector_id
    FROM linewatch.flag f
    WHERE f.day = :day
    GROUP BY f.obs_id
), flagged AS (
    SELECT o.obs_id, o.feed, o.source_id, o.observed_at, o.kind, o.uncertainty_m, o.geom,
           o.weapon_class, o.weapon_count, coalesce(o.source_reliability, 'F') AS reliability,
           p.rules, p.clauses, p.sector_id, p.side, p.distance_m,
           CASE WHEN o.kind = ANY(CAST(:violation_kinds AS text[])) THEN 'violation' ELSE o.kind END AS family,
           ST_Transform(o.geom, CAST(:front_srid AS integer)) AS mgeom
    FROM per_observation p
    JOIN linewatch.observation o ON o.obs_id = p.obs_id
), spatial AS (
    SELECT *, ST_ClusterDBSCAN(mgeom, eps => CAST(:eps_m AS float8), minpoints => 1)
                OVER (PARTITION BY family) AS space_cluster
    FROM flagged
), gaps AS (
    SELECT *, CASE WHEN observed_at - lag(observed_at) OVER w > make_interval(mins => coalesce((CAST(:window_by_family AS jsonb) ->> family)::integer,
                                                                           CAST(:window_minutes AS integer)))
                   THEN 1 ELSE 0 END AS new_incident
    FROM spatial
    WINDOW w AS (PARTITION BY family, space_cluster ORDER BY observed_at, obs_id)
)
SELECT *, family || ':' || space_cluster || ':' ||
          sum(new_incident) OVER (PARTITION BY family, space_cluster ORDER BY observed_at, obs_id) AS cluster_key
FROM gaps
