-- Coverage of the file and the reporting days (in the mission's time zone) it touches.
SELECT min(observed_at) AS coverage_start, max(observed_at) AS coverage_end,
       coalesce(array_agg(DISTINCT (observed_at AT TIME ZONE :tz)::date ORDER BY (observed_at AT TIME ZONE :tz)::date)
                FILTER (WHERE observed_at IS NOT NULL), '{}') AS days
FROM observation_staging
