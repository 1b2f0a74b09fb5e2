-- One incident per cluster. Its ID hashes the cluster's first member (feed/source_id), so re-runs keep IDs.
-- corroboration: distinct independent feeds. Grade: confirmed (>= 2 feeds), probable (>= 2 reports
-- from one feed), unverified (one report). Admiralty: the best member's source reliability (A-F) and
-- information credibility 1 (>= 3 feeds), 2 (2 feeds), 3 (several reports, one feed), 6 (cannot be judged).
-- Severity grows with the kind's weight, the number of reports, nearness to the line and the rules
-- breached. Uncertainty: the farthest member from the centre plus the best member's own uncertainty.
CREATE TEMP TABLE incident_new ON COMMIT DROP AS
WITH grouped AS (
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
           min(reliability) AS reliability,
           min(uncertainty_m) AS best_uncertainty_m,
           mode() WITHIN GROUP (ORDER BY weapon_class) AS weapon_class,
           max(weapon_count) AS weapon_count,
           ST_Centroid(ST_Collect(geom)) AS geom,
           array_agg(geom) AS member_geoms
    FROM incident_member
    GROUP BY cluster_key
), rules AS (
    SELECT m.cluster_key, array_agg(DISTINCT r ORDER BY r) AS rules
    FROM incident_member m, unnest(m.rules) r GROUP BY m.cluster_key
), clauses AS (
    SELECT m.cluster_key, array_agg(DISTINCT r ORDER BY r) AS clauses
    FROM incident_member m, unnest(m.clauses) r GROUP BY m.cluster_key
), c AS (
    SELECT g.*, r.rules, k.clauses
    FROM grouped g JOIN rules r USING (cluster_key) JOIN clauses k USING (cluster_key)
)
SELECT c.cluster_key, c.incident_id, c.kind, c.started_at, c.ended_at, c.sector_id, c.side,
       CASE WHEN c.distance_m < CAST(:max_distance_m AS float8)  -- the bands of flag/line_proximity.sql
            THEN (CAST(:band_labels AS text[]))[width_bucket(c.distance_m, CAST(:band_lower_m AS float8[]))]
       END AS band,
       c.distance_m, c.observations, c.corroboration,
       CASE WHEN c.corroboration >= 2 THEN 'confirmed' WHEN c.observations >= 2 THEN 'probable'
            ELSE 'unverified' END AS confidence_grade,
       c.reliability || CASE WHEN c.corroboration >= 3 THEN '1' WHEN c.corroboration = 2 THEN '2'
                             WHEN c.observations >= 2 THEN '3' ELSE '6' END AS admiralty,
       round(CAST(coalesce((CAST(:kind_weights AS jsonb) ->> c.kind)::float8, 1.0)
             * sqrt(c.observations) * (1 + 30000.0 / (coalesce(c.distance_m, 70000) + 3000.0)) / 2
             * (1 + 0.5 * (cardinality(c.rules) - 1)) AS numeric), 2)::float8 AS severity,
       c.best_uncertainty_m + (SELECT max(ST_Distance(c.geom::geography, g::geography)) FROM unnest(c.member_geoms) g)
           AS uncertainty_m,
       to_jsonb(c.rules) AS rules, to_jsonb(c.clauses) AS clauses, c.weapon_class, c.weapon_count,
       c.geom
FROM c
