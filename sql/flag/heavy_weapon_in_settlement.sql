-- Rule heavy_weapon_in_settlement: heavy weapons in or within :near_m of a settlement
-- (Measures to strengthen the ceasefire, 22 Jul 2020, item 3). A settlement is its point and radius.
INSERT INTO linewatch.flag (obs_id, day, rule, clause, line_of_occupation_id, distance_m, side, sector_id,
                            settlement_id, details)
SELECT DISTINCT ON (p.obs_id) p.obs_id, :day, :rule, :clause, p.line_of_occupation_id, p.distance_m, p.side,
       p.sector_id, s.settlement_id,
       jsonb_build_object('settlement', s.name,
                          'metres_from_centre', round(ST_Distance(s.geom::geography, p.geom::geography)))
FROM day_position p
JOIN linewatch.settlement s
  ON ST_DWithin(s.geom::geography, p.geom::geography, s.radius_m + CAST(:near_m AS float8))
WHERE p.kind = 'heavy_weapon_sighting'
ORDER BY p.obs_id, ST_Distance(s.geom::geography, p.geom::geography)
