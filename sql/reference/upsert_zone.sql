INSERT INTO linewatch.zone (kind, name, valid_from, valid_to, attributes, geom)
VALUES (:kind, :name, :valid_from, :valid_to, CAST(:attributes AS jsonb),
        ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Force2D(ST_GeomFromWKB(:wkb, 4326))), 3)))
ON CONFLICT (kind, name, valid_from) DO UPDATE
   SET valid_to = EXCLUDED.valid_to, attributes = EXCLUDED.attributes, geom = EXCLUDED.geom
