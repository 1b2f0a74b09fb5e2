-- The day's flagged observations (flagged by any rule), with what clustering needs: the family (every
-- kind of fire is one family, 'violation': the crater a camera sees and the blast an acoustic sensor
-- hears are one event; other kinds are their own family), the point in the front projection, and
-- whether the observation is coarse: located or timed less precisely than the clustering distance or
-- window (an acoustic bearing, an ACLED event dated to the day). Coarse observations corroborate
-- incidents; they do not start them where a precise one exists.
CREATE TEMP TABLE incident_candidate ON COMMIT DROP AS
WITH per_observation AS (
    SELECT f.obs_id, array_agg(DISTINCT f.rule ORDER BY f.rule) AS rules,
           array_agg(DISTINCT f.clause ORDER BY f.clause) AS clauses,
           min(f.distance_m) AS distance_m, min(f.side) AS side, min(f.sector_id) AS sector_id
    FROM linewatch.flag f
    WHERE f.day = :day
    GROUP BY f.obs_id
)
SELECT o.obs_id, o.feed, o.source_id, o.observed_at, o.kind, o.uncertainty_m, o.time_precision_s, o.geom,
       o.weapon_class, o.weapon_count, coalesce(o.source_reliability, 'F') AS reliability,
       p.rules, p.clauses, p.sector_id, p.side, p.distance_m, fam.family,
       ST_Transform(o.geom, CAST(:front_srid AS integer)) AS mgeom,
       make_interval(mins => coalesce((CAST(:window_by_family AS jsonb) ->> fam.family)::integer,
                                      CAST(:window_minutes AS integer))) AS time_window,
       (o.uncertainty_m > 3 * CAST(:eps_m AS float8)
        OR o.time_precision_s > 60 * coalesce((CAST(:window_by_family AS jsonb) ->> fam.family)::integer,
                                              CAST(:window_minutes AS integer))) AS coarse
FROM per_observation p
JOIN linewatch.observation o ON o.obs_id = p.obs_id
CROSS JOIN LATERAL (SELECT CASE WHEN o.kind = ANY(CAST(:violation_kinds AS text[])) THEN 'violation'
                                ELSE o.kind END AS family) fam
