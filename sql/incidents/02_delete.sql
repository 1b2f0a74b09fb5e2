-- Replace the day's incidents, and any incident holding one of the day's observations.
DELETE FROM linewatch.incident
 WHERE day = :day
    OR incident_id IN (SELECT l.incident_id FROM linewatch.incident_observation l
                        JOIN incident_member m ON m.obs_id = l.obs_id)
