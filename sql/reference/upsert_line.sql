-- One version of the line of occupation (MultiLineString, SRID 4326), replaced if re-loaded.
INSERT INTO linewatch.line_of_occupation (version, valid_from, valid_to, source, geom)
VALUES (:version, :valid_from, :valid_to, :source,
        ST_Multi(ST_Force2D(ST_GeomFromWKB(:wkb, 4326))))
ON CONFLICT (version) DO UPDATE
   SET valid_from = EXCLUDED.valid_from, valid_to = EXCLUDED.valid_to,
       source = EXCLUDED.source, geom = EXCLUDED.geom
RETURNING line_of_occupation_id
