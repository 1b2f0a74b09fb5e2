-- The linewatch tables (ANALYZE refreshes the planner statistics of each).
SELECT tablename FROM pg_tables WHERE schemaname = 'linewatch' AND tablename <> 'alembic_version' ORDER BY 1
