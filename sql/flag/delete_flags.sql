-- Clear a rule's flags for the day, and for any observation now in the day (a revision may have moved it).
DELETE FROM linewatch.flag f
 WHERE f.rule = :rule
   AND (f.day = :day OR f.obs_id IN (SELECT obs_id FROM day_position))
