INSERT INTO linewatch.occupied_area (version, valid_from, valid_to, source, geom)
VALUES (:version, :valid_from, :valid_to, :source,
        ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Force2D(ST_GeomFromWKB(:wkb, 4326))), 3)))
ON CONFLICT (version) DO UPDATE
   SET valid_from = EXCLUDED.valid_from, valid_to = EXCLUDED.valid_to,
       source = EXCLUDED.source, geom = EXCLUDED.geom
RETURNING occupied_area_id
