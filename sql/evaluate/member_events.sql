-- The true event behind each member of the days' incidents, as the simulator wrote it into the row's
-- notes ("event=<id>"); NULL for false positives and for rows that do not come from the simulator.
SELECT l.incident_id, substring(o.attributes ->> 'notes' FROM 'event=([^;]+)') AS event_id
FROM linewatch.incident i
JOIN linewatch.incident_observation l ON l.incident_id = i.incident_id
JOIN linewatch.observation o ON o.obs_id = l.obs_id
WHERE i.day BETWEEN :first AND :last
