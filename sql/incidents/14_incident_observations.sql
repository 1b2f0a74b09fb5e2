INSERT INTO linewatch.incident_observation (incident_id, obs_id)
SELECT n.incident_id, m.obs_id
FROM incident_member m JOIN incident_new n USING (cluster_key)
