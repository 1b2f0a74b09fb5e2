-- Rule fire_near_protected_site: firing within a protected civilian site's buffer (water filtration
-- stations, power plants, hospitals, schools). Buffers are pre-computed zones of kind protected_site.
INSERT INTO linewatch.flag (obs_id, day, rule, clause, line_of_occupation_id, distance_m, side, sector_id, zone_id,
                            details)
SELECT DISTINCT ON (p.obs_id) p.obs_id, :day, :rule, :clause, p.line_of_occupation_id, p.distance_m, p.side,
       p.sector_id, z.zone_id, jsonb_build_object('site', z.name, 'site_type', z.attributes ->> 'site_type')
FROM day_position p
JOIN linewatch.zone z
  ON z.kind = 'protected_site'
 AND z.valid_from <= p.observed_at AND (z.valid_to IS NULL OR p.observed_at < z.valid_to)
 AND ST_Intersects(z.geom, p.geom)
WHERE p.kind = ANY(CAST(:fire_kinds AS text[]))
ORDER BY p.obs_id, z.zone_id
