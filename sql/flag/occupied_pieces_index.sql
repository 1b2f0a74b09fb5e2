CREATE INDEX ON day_occupied USING gist (geom)
