INSERT INTO linewatch.incident (incident_id, day, kind, started_at, ended_at, sector_id, side, band, distance_m,
                                observations, corroboration, confidence_grade, severity, uncertainty_m, rules, geom)
SELECT incident_id, :day, kind, started_at, ended_at, sector_id, side, band, distance_m, observations,
       corroboration, confidence_grade, severity, uncertainty_m, '["line_proximity"]'::jsonb, geom
FROM incident_new
