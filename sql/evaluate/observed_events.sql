-- Every true event that at least one loaded observation says it saw (flagged or not), from the notes
-- the simulator writes ("event=<id>"), within the period's UTC bounds give or take a day of clock error.
SELECT DISTINCT substring(attributes ->> 'notes' FROM 'event=([^;]+)') AS event_id
FROM linewatch.observation
WHERE observed_at >= :period_start AND observed_at < :period_end
  AND attributes ->> 'notes' LIKE 'event=%'
