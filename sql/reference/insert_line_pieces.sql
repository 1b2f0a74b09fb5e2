-- Cut the line into short pieces in the front projection: densified along geodesics every :segment_m,
-- at most :max_vertices vertices each. The distance join probes the few pieces near each point.
INSERT INTO linewatch.line_piece (line_of_occupation_id, geom)
SELECT l.line_of_occupation_id,
       (ST_Dump(ST_Subdivide(ST_Transform(ST_Segmentize(l.geom::geography, :segment_m)::geometry,
                                          CAST(:front_srid AS integer)), :max_vertices))).geom
FROM linewatch.line_of_occupation l
WHERE l.line_of_occupation_id = :line_id
