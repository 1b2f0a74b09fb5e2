-- The staged rows, none of them stored yet for this feed (staged_are_new.sql, under lock_feed.sql):
-- a plain insert. Same columns as merge_observations.sql, which handles chunks with stored rows.
INSERT INTO linewatch.observation
    (feed, source_id, observed_at, reported_at, geom, uncertainty_m, time_precision_s, kind,
     weapon_class, weapon_count, bearing_deg, source_reliability, confidence, attributes, batch_id)
SELECT :feed, source_id, observed_at, reported_at, ST_SetSRID(ST_MakePoint(lon, lat), 4326),
       uncertainty_m, time_precision_s, kind, weapon_class, weapon_count, bearing_deg,
       source_reliability, confidence, attributes, :batch_id
FROM observation_staging
