SELECT name, reference_town, geom FROM linewatch.settlement ORDER BY name
