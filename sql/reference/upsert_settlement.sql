INSERT INTO linewatch.settlement (name, population, radius_m, reference_town, geom)
VALUES (:name, :population, :radius_m, :reference_town, ST_PointOnSurface(ST_Force2D(ST_GeomFromWKB(:wkb, 4326))))
ON CONFLICT (name) DO UPDATE
   SET population = EXCLUDED.population, radius_m = EXCLUDED.radius_m,
       reference_town = EXCLUDED.reference_town, geom = EXCLUDED.geom
