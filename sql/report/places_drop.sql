DROP TABLE IF EXISTS pg_temp.report_place
