-- The contact line from an occupied-area polygon: its boundary inside the national outline, minus the
-- stretches within :tolerance_m of the outline's own boundary (the state border and the coast), where
-- occupied territory meets no government-controlled ground.
SELECT ST_AsBinary(ST_Multi(ST_CollectionExtract(ST_LineMerge(ST_Difference(
           ST_Intersection(ST_Boundary(ST_MakeValid(ST_Force2D(ST_GeomFromWKB(:wkb, 4326)))), n.geom),
           ST_Buffer(ST_Boundary(n.geom)::geography, CAST(:tolerance_m AS float8))::geometry)), 2))) AS wkb
FROM (SELECT ST_Union(geom) AS geom FROM linewatch.national_outline) n
WHERE n.geom IS NOT NULL
