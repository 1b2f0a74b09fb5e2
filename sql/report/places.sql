-- Every place the report names, named as the SMM did: the nearest settlement and the nearest reference
-- town, each with its control status at the time (inside the occupied area in force: non-government-
-- controlled), the distance on the ellipsoid and the azimuth from the town to the place (geodesic, via
-- geography). Keys: an incident_id, or 'obs:' || obs_id for the observations the report lists one by one.
-- Candidates come from the planar KNN index (8 nearest in degrees), ranked by distance on the sphere
-- (cheap; it can only swap near-ties); the winner's distance is then measured on the ellipsoid.
-- Control status is computed once per settlement and occupied-area version, not once per place.
CREATE TEMP TABLE report_place ON COMMIT DROP AS
WITH point AS (
    SELECT i.incident_id AS place_key, i.geom, i.started_at AS at
    FROM linewatch.incident i
    WHERE i.day BETWEEN :first_day AND :last_day
      AND i.started_at >= :period_start AND i.started_at < :period_end
    UNION ALL
    SELECT 'obs:' || o.obs_id, o.geom, o.observed_at
    FROM linewatch.observation o
    WHERE o.observed_at >= :period_start AND o.observed_at < :period_end
      AND (o.kind = ANY(CAST(:listed_kinds AS text[]))
           OR o.obs_id IN (SELECT f.obs_id FROM linewatch.flag f
                            WHERE f.day BETWEEN :first_day AND :last_day
                              AND f.rule = ANY(CAST(:listed_rules AS text[]))))
), nearest AS (
    SELECT p.place_key, p.at, p.geom, ns.settlement_id, rt.settlement_id AS town_id
    FROM point p
    LEFT JOIN LATERAL (
        SELECT c.settlement_id
        FROM (SELECT s.settlement_id, s.name, s.geom FROM linewatch.settlement s
               ORDER BY s.geom <-> p.geom LIMIT 8) c
        ORDER BY ST_Distance(c.geom::geography, p.geom::geography, false), c.name LIMIT 1
    ) ns ON true
    LEFT JOIN LATERAL (
        SELECT c.settlement_id
        FROM (SELECT s.settlement_id, s.name, s.geom FROM linewatch.settlement s WHERE s.reference_town
               ORDER BY s.geom <-> p.geom LIMIT 8) c
        ORDER BY ST_Distance(c.geom::geography, p.geom::geography, false), c.name LIMIT 1
    ) rt ON true
), status AS (
    SELECT s.settlement_id, a.valid_from, a.valid_to, ST_Intersects(a.geom, s.geom) AS occupied
    FROM linewatch.settlement s
    JOIN linewatch.occupied_area a
      ON a.valid_from < :period_end AND (a.valid_to IS NULL OR a.valid_to > :period_start)
    WHERE s.settlement_id IN (SELECT settlement_id FROM nearest UNION SELECT town_id FROM nearest)
)
SELECT n.place_key,
       s.name AS settlement,
       round(CAST(ST_Distance(s.geom::geography, n.geom::geography) AS numeric), 0)::float8 AS settlement_m,
       coalesce((SELECT st.occupied FROM status st
                  WHERE st.settlement_id = n.settlement_id AND st.valid_from <= n.at
                    AND (st.valid_to IS NULL OR n.at < st.valid_to)), false) AS settlement_occupied,
       t.name AS reference_town,
       round(CAST(ST_Distance(t.geom::geography, n.geom::geography) AS numeric), 0)::float8 AS reference_m,
       coalesce((SELECT st.occupied FROM status st
                  WHERE st.settlement_id = n.town_id AND st.valid_from <= n.at
                    AND (st.valid_to IS NULL OR n.at < st.valid_to)), false) AS reference_occupied,
       round(CAST(degrees(ST_Azimuth(t.geom::geography, n.geom::geography)) AS numeric), 1)::float8 AS azimuth_deg
FROM nearest n
LEFT JOIN linewatch.settlement s ON s.settlement_id = n.settlement_id
LEFT JOIN linewatch.settlement t ON t.settlement_id = n.town_id
