-- Rule line_proximity: every observation of the period within the outer distance band of the line of
-- occupation IN FORCE AT ITS observed_at. Distance is on the WGS84 ellipsoid (geography) to the nearest
-- indexed piece of that line; side is whether it lies in the occupied area in force at the same time.
INSERT INTO linewatch.flag (obs_id, day, rule, clause, line_of_occupation_id, distance_m, band, side, sector_id)
SELECT o.obs_id, :day, :rule, :clause, l.line_of_occupation_id, d.distance_m,
       (CAST(:band_labels AS text[]))[(SELECT min(i) FROM generate_subscripts(CAST(:band_bounds_m AS float8[]), 1) i
                                        WHERE d.distance_m <= (CAST(:band_bounds_m AS float8[]))[i])],
       CASE WHEN EXISTS (SELECT 1 FROM linewatch.occupied_area a
                          WHERE a.valid_from <= o.observed_at AND (a.valid_to IS NULL OR o.observed_at < a.valid_to)
                            AND ST_Intersects(a.geom, o.geom))
            THEN 'occupied' ELSE 'government' END,
       (SELECT s.sector_id FROM linewatch.sector s WHERE ST_Intersects(s.geom, o.geom)
         ORDER BY s.sector_id LIMIT 1)
FROM linewatch.observation o
JOIN linewatch.line_of_occupation l
  ON l.valid_from <= o.observed_at AND (l.valid_to IS NULL OR o.observed_at < l.valid_to)
CROSS JOIN LATERAL (
    SELECT min(ST_Distance(p.geog, o.geom::geography)) AS distance_m
    FROM linewatch.line_piece p
    WHERE p.line_of_occupation_id = l.line_of_occupation_id
      AND ST_DWithin(p.geog, o.geom::geography, CAST(:max_distance_m AS float8))
) d
WHERE o.observed_at >= :period_start AND o.observed_at < :period_end
  AND d.distance_m IS NOT NULL
