INSERT INTO linewatch.incident (incident_id, day, kind, started_at, ended_at, sector_id, side, band, distance_m,
                                observations, corroboration, confidence_grade, admiralty, severity, uncertainty_m,
                                rules, clauses, weapon_class, weapon_count, geom)
SELECT incident_id, :day, kind, started_at, ended_at, sector_id, side, band, distance_m, observations,
       corroboration, confidence_grade, admiralty, severity, uncertainty_m, rules, clauses, weapon_class,
       weapon_count, geom
FROM incident_new
