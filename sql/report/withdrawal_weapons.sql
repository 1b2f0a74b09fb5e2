-- Weapons sighted inside their withdrawal zone (rule weapon_in_withdrawal_zone), one row per sighting.
SELECT count(*) OVER () AS total,
       sum(CAST(f.details ->> 'weapon_count' AS integer)) OVER () AS total_weapons,
       f.obs_id, l.incident_id, o.feed, o.batch_id, o.observed_at,
       f.details ->> 'weapon_class' AS weapon_class, CAST(f.details ->> 'weapon_count' AS integer) AS weapon_count,
       CAST(f.details ->> 'half_width_m' AS float8) AS half_width_m,
       f.side, round(CAST(f.distance_m AS numeric), 0)::float8 AS distance_m,
       coalesce(s.name, 'outside sectors') AS sector,
       p.settlement, p.settlement_m, p.settlement_occupied, p.reference_town, p.reference_m,
       p.reference_occupied, p.azimuth_deg
FROM linewatch.flag f
JOIN linewatch.observation o ON o.obs_id = f.obs_id
LEFT JOIN linewatch.sector s ON s.sector_id = f.sector_id
LEFT JOIN linewatch.incident_observation l ON l.obs_id = f.obs_id
LEFT JOIN report_place p ON p.place_key = 'obs:' || f.obs_id
WHERE f.rule = 'weapon_in_withdrawal_zone' AND f.day BETWEEN :first_day AND :last_day
  AND o.observed_at >= :period_start AND o.observed_at < :period_end
ORDER BY o.observed_at, f.obs_id
LIMIT :limit
