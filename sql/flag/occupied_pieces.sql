-- The occupied areas in force during the period, cut into small indexed pieces: a point-in-polygon
-- test then touches a few dozen vertices instead of the whole front.
CREATE TEMP TABLE day_occupied ON COMMIT DROP AS
SELECT a.occupied_area_id, a.valid_from, a.valid_to, ST_Subdivide(a.geom, 64) AS geom
FROM linewatch.occupied_area a
WHERE a.valid_from < :period_end AND (a.valid_to IS NULL OR a.valid_to > :period_start)
