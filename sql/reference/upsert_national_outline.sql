INSERT INTO linewatch.national_outline (name, geom)
VALUES (:name, ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Force2D(ST_GeomFromWKB(:wkb, 4326))), 3)))
ON CONFLICT (name) DO UPDATE SET geom = EXCLUDED.geom
