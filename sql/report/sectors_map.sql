SELECT name, geom FROM linewatch.sector ORDER BY name
