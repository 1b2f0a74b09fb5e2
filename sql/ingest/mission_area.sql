-- The mission area: the national outline's extent widened by :margin_deg degrees (NULLs when no
-- outline is loaded, and then nothing is checked). A lat/lon pair swapped in a feed lands far outside.
SELECT ST_XMin(e) AS min_lon, ST_YMin(e) AS min_lat, ST_XMax(e) AS max_lon, ST_YMax(e) AS max_lat
FROM (SELECT ST_Expand(ST_Extent(geom)::geometry, CAST(:margin_deg AS float8)) AS e
        FROM linewatch.national_outline) area
