-- How far a feature lies outside the national outline (0 inside; NULL when no outline is loaded).
SELECT ST_Distance(n.geom::geography, ST_Force2D(ST_GeomFromWKB(:wkb, 4326))::geography)
FROM (SELECT ST_Union(geom) AS geom FROM linewatch.national_outline) n
WHERE n.geom IS NOT NULL
