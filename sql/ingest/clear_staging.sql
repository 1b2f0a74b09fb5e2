-- Empty the staging table for the next chunk.
TRUNCATE observation_staging
