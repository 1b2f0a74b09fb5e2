-- The period's incidents that one rule flagged, worst first, with what the rule matched them against
-- (a disengagement area, a protected site, a settlement) from their members' flags.
SELECT count(*) OVER () AS total, i.incident_id, i.kind, i.started_at, i.side, coalesce(s.name, 'outside sectors') AS sector,
       round(CAST(i.distance_m AS numeric), 0)::float8 AS distance_m, i.severity, i.observations,
       i.corroboration, i.confidence_grade, i.admiralty, i.weapon_class, i.weapon_count,
       (SELECT string_agg(DISTINCT coalesce(z.name || coalesce(' (' || replace(z.attributes ->> 'site_type', '_', ' ') || ')', ''),
                                            st.name), '; ')
          FROM linewatch.incident_observation l
          JOIN linewatch.flag f ON f.obs_id = l.obs_id AND f.rule = :rule
          LEFT JOIN linewatch.zone z ON z.zone_id = f.zone_id
          LEFT JOIN linewatch.settlement st ON st.settlement_id = f.settlement_id
         WHERE l.incident_id = i.incident_id) AS matched,
       p.settlement, p.settlement_m, p.settlement_occupied, p.reference_town, p.reference_m,
       p.reference_occupied, p.azimuth_deg
FROM linewatch.incident i
LEFT JOIN linewatch.sector s ON s.sector_id = i.sector_id
LEFT JOIN report_place p ON p.place_key = i.incident_id
WHERE i.day BETWEEN :first_day AND :last_day
  AND i.started_at >= :period_start AND i.started_at < :period_end
  AND i.rules @> jsonb_build_array(CAST(:rule AS text))
ORDER BY i.severity DESC, i.incident_id
LIMIT :limit
