INSERT INTO linewatch.camera (name, valid_from, valid_to, attributes, geom)
VALUES (:name, :valid_from, :valid_to, CAST(:attributes AS jsonb), ST_PointOnSurface(ST_Force2D(ST_GeomFromWKB(:wkb, 4326))))
ON CONFLICT (name) DO UPDATE
   SET valid_from = EXCLUDED.valid_from, valid_to = EXCLUDED.valid_to, attributes = EXCLUDED.attributes,
       geom = EXCLUDED.geom
