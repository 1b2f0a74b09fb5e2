-- Cut the line into short indexed pieces (at most :max_vertices vertices each, after densifying to
-- :segment_m so that no piece is long): the distance join probes a handful of pieces per point
-- instead of the whole line. Pieces are geography, so distances are on the WGS84 ellipsoid.
INSERT INTO linewatch.line_piece (line_of_occupation_id, geog)
SELECT l.line_of_occupation_id, (ST_Dump(ST_Subdivide(ST_Segmentize(l.geom::geography, :segment_m)::geometry,
                                                      :max_vertices))).geom::geography
FROM linewatch.line_of_occupation l
WHERE l.line_of_occupation_id = :line_id
