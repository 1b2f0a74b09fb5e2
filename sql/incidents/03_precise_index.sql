CREATE INDEX ON incident_precise USING gist (mgeom)
