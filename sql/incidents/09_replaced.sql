-- The incidents this run replaces: the day's, and any that held one of the day's observations
-- (a revision may have moved an observation to another day).
CREATE TEMP TABLE incident_replaced ON COMMIT DROP AS
SELECT incident_id FROM linewatch.incident WHERE day = :day
UNION
SELECT l.incident_id FROM linewatch.incident_observation l JOIN incident_member m ON m.obs_id = l.obs_id
