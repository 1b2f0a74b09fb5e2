-- One incident per cluster. Its ID hashes the cluster's first member (feed/source_id), so re-runs keep IDs.
-- corroboration: distinct independent feeds. Grade: confirmed (>= 2 feeds), probable (>= 2 reports
-- from one feed), unverified (one report). Severity grows with the kind's weight, the number of
-- reports and nearness to the line. Uncertainty: the farthest member from the centre plus the
-- best member's own uncertainty.
CREATE TEMP TABLE incident_new ON COMMIT DROP AS
WITH c AS (
    SELECT cluster_key,
           'LW-' || to_char(CAST(:day AS date), 'YYYYMMDD') || '-' ||
               left(md5(min(feed || '/' || source_id)), 10) AS incident_id,
           mode() WITHIN GROUP (ORDER BY kind) AS kind,
           min(observed_at) AS started_at, max(observed_at) AS ended_at,
           mode() WITHIN GROUP (ORDER BY sector_id) AS sector_id,
           mode() WITHIN GROUP (ORDER BY side) AS side,
           min(distance_m) AS distance_m,
           count(*) AS observations,
           count(DISTINCT feed) AS corroboration,
           min(uncertainty_m) AS best_uncertainty_m,
           ST_Centroid(ST_Collect(geom)) AS geom,
           array_agg(geom) AS member_geoms
    FROM incident_member
    GROUP BY cluster_key
)
SELECT c.cluster_key, c.incident_id, c.kind, c.started_at, c.ended_at, c.sector_id, c.side,
       (CAST(:band_labels AS text[]))[(SELECT min(i) FROM generate_subscripts(CAST(:band_bounds_m AS float8[]), 1) i
                                        WHERE c.distance_m <= (CAST(:band_bounds_m AS float8[]))[i])] AS band,
       c.distance_m, c.observations, c.corroboration,
       CASE WHEN c.corroboration >= 2 THEN 'confirmed' WHEN c.observations >= 2 THEN 'probable'
            ELSE 'unverified' END AS confidence_grade,
       round(CAST(coalesce((CAST(:kind_weights AS jsonb) ->> c.kind)::float8, 1.0)
             * sqrt(c.observations) * (1 + 30000.0 / (c.distance_m + 3000.0)) / 2 AS numeric), 2)::float8 AS severity,
       c.best_uncertainty_m + (SELECT max(ST_Distance(c.geom::geography, g::geography)) FROM unnest(c.member_geoms) g)
           AS uncertainty_m,
       c.geom
FROM c
