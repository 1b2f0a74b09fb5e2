-- Where each observation of the period stands relative to the reference layers in force at its
-- observed_at: the line version, the distance to it, the side, the sector. Computed once per day; every
-- rule reads it.
--
-- Distance: nearest line piece in the front transverse Mercator (index-assisted KNN, within
-- :position_max_m), then the planar distance divided by the projection's mean scale factor along the
-- path, k = 1 + (x1^2 + x1*x2 + x2^2) / (6 R^2) (x from the central meridian; R = 6381 km, the mean
-- radius at 48 N). That is the ellipsoidal distance to ~1e-5 (tests compare with pyproj.Geod), at
-- planar cost. The projected point is computed once (MATERIALIZED), not once per use.
CREATE TEMP TABLE day_position ON COMMIT DROP AS
WITH located AS MATERIALIZED (
    SELECT o.obs_id, o.kind, o.weapon_class, o.weapon_count, o.observed_at, o.geom, l.line_of_occupation_id,
           ST_Transform(o.geom, CAST(:front_srid AS integer)) AS p
    FROM linewatch.observation o
    LEFT JOIN linewatch.line_of_occupation l
      ON l.valid_from <= o.observed_at AND (l.valid_to IS NULL OR o.observed_at < l.valid_to)
    WHERE o.observed_at >= :period_start AND o.observed_at < :period_end
)
SELECT t.obs_id, t.kind, t.weapon_class, t.weapon_count, t.observed_at, t.geom, t.line_of_occupation_id,
       n.planar_m / (1 + ((ST_X(t.p) - 500000) ^ 2 + (ST_X(t.p) - 500000) * (ST_X(n.q) - 500000)
                          + (ST_X(n.q) - 500000) ^ 2) / (6 * 6381000.0 ^ 2)) AS distance_m,
       CASE WHEN EXISTS (SELECT 1 FROM day_occupied a
                          WHERE a.valid_from <= t.observed_at AND (a.valid_to IS NULL OR t.observed_at < a.valid_to)
                            AND ST_Intersects(a.geom, t.geom))
            THEN 'occupied' ELSE 'government' END AS side,
       (SELECT s.sector_id FROM linewatch.sector s WHERE ST_Intersects(s.geom, t.geom)
         ORDER BY s.sector_id LIMIT 1) AS sector_id
FROM located t
LEFT JOIN LATERAL (
    SELECT ST_Distance(pc.geom, t.p) AS planar_m, ST_ClosestPoint(pc.geom, t.p) AS q
    FROM linewatch.line_piece pc
    WHERE pc.line_of_occupation_id = t.line_of_occupation_id
      AND ST_DWithin(pc.geom, t.p, CAST(:position_max_m AS float8) * 1.01)
    ORDER BY pc.geom <-> t.p
    LIMIT 1
) n ON true
