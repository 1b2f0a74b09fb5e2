-- Rule aerial_vehicle_over_zone: aerial vehicles of the parties within :zone_m of the line
-- (Measures to strengthen the ceasefire, 22 Jul 2020, item 2: ban on the use of aerial vehicles).
INSERT INTO linewatch.flag (obs_id, day, rule, clause, line_of_occupation_id, distance_m, side, sector_id)
SELECT p.obs_id, :day, :rule, :clause, p.line_of_occupation_id, p.distance_m, p.side, p.sector_id
FROM day_position p
WHERE p.kind = 'uav_sighting' AND p.distance_m <= CAST(:zone_m AS float8)
