-- A protected site is stored as its buffer (a zone of kind protected_site), so the rule is a plain
-- point-in-polygon test. The buffer is built on the ellipsoid (geography).
INSERT INTO linewatch.zone (kind, name, valid_from, valid_to, attributes, geom)
VALUES ('protected_site', :name, :valid_from, :valid_to, CAST(:attributes AS jsonb),
        ST_Multi(ST_CollectionExtract(ST_MakeValid(
            ST_Buffer(ST_Force2D(ST_GeomFromWKB(:wkb, 4326))::geography, CAST(:buffer_m AS float8), 'quad_segs=16')::geometry), 3)))
ON CONFLICT (kind, name, valid_from) DO UPDATE
   SET valid_to = EXCLUDED.valid_to, attributes = EXCLUDED.attributes, geom = EXCLUDED.geom
