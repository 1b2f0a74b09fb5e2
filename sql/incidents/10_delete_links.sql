DELETE FROM linewatch.incident_observation WHERE incident_id IN (SELECT incident_id FROM incident_replaced)
