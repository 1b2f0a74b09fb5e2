DELETE FROM linewatch.incident WHERE incident_id IN (SELECT incident_id FROM incident_replaced)
