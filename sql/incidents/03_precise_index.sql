-- Two indexes on the precise members: in space and time for linking buckets (04_bucket_links.sql), in
-- space for attaching coarse observations (08_members.sql); then statistics, so the planner uses them.
CREATE INDEX ON incident_precise USING gist (bucket_point gist_geometry_ops_nd);
CREATE INDEX ON incident_precise USING gist (mgeom);
ANALYZE incident_precise
