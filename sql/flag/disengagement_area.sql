-- Rule disengagement_area: any armed-party activity inside a disengagement area in force
-- (Framework Decision on disengagement of forces and hardware, 21 Sep 2016).
INSERT INTO linewatch.flag (obs_id, day, rule, clause, line_of_occupation_id, distance_m, side, sector_id, zone_id)
SELECT DISTINCT ON (p.obs_id) p.obs_id, :day, :rule, :clause, p.line_of_occupation_id, p.distance_m, p.side,
       p.sector_id, z.zone_id
FROM day_position p
JOIN linewatch.zone z
  ON z.kind = 'disengagement_area'
 AND z.valid_from <= p.observed_at AND (z.valid_to IS NULL OR p.observed_at < z.valid_to)
 AND ST_Intersects(z.geom, p.geom)
WHERE p.kind = ANY(CAST(:armed_kinds AS text[]))
ORDER BY p.obs_id, z.zone_id
