-- Rule line_proximity: activity within the distance bands of the line of occupation in force
-- (Package of Measures, 12 Feb 2015, para 1: ceasefire). Bands are [lower, upper) in metres.
INSERT INTO linewatch.flag (obs_id, day, rule, clause, line_of_occupation_id, distance_m, band, side, sector_id)
SELECT p.obs_id, :day, :rule, :clause, p.line_of_occupation_id, p.distance_m,
       (CAST(:band_labels AS text[]))[width_bucket(p.distance_m, CAST(:band_lower_m AS float8[]))],
       p.side, p.sector_id
FROM day_position p
WHERE p.distance_m < CAST(:max_distance_m AS float8)
