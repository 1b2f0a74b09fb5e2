-- Temp tables are never auto-analysed: without statistics the joins on report_place plan as if it were empty.
ANALYZE pg_temp.report_place
