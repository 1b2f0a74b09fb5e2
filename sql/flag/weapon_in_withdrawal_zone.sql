-- Rule weapon_in_withdrawal_zone: a weapon of a withdrawn class sighted inside its withdrawal zone,
-- i.e. closer to the line than half the zone's width (Package of Measures para 2: 50 km artillery
-- >= 100 mm, 70 km MLRS, 140 km Tornado-S/Uragan/Smerch/Tochka; Addendum of 29 Sep 2015: tanks, artillery
-- < 100 mm and mortars <= 120 mm at least 15 km back). :half_width_m maps weapon class -> metres.
INSERT INTO linewatch.flag (obs_id, day, rule, clause, line_of_occupation_id, distance_m, side, sector_id, details)
SELECT p.obs_id, :day, :rule, :clause, p.line_of_occupation_id, p.distance_m, p.side, p.sector_id,
       jsonb_build_object('weapon_class', p.weapon_class, 'weapon_count', p.weapon_count,
                          'half_width_m', (CAST(:half_width_m AS jsonb) ->> p.weapon_class)::float8)
FROM day_position p
WHERE p.kind = 'heavy_weapon_sighting'
  AND p.distance_m <= (CAST(:half_width_m AS jsonb) ->> p.weapon_class)::float8
