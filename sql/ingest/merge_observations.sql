-- Merge the staged rows (each source_id once: repeats in the file were quarantined before staging)
-- into observation on (feed, source_id). A row identical to the stored one is left alone (and counted
-- as a duplicate); a changed row (a revision) replaces it and now points at this batch.
WITH merged AS (
    INSERT INTO linewatch.observation AS o
        (feed, source_id, observed_at, reported_at, geom, uncertainty_m, time_precision_s, kind,
         weapon_class, weapon_count, bearing_deg, source_reliability, confidence, attributes, batch_id)
    SELECT :feed, source_id, observed_at, reported_at, ST_SetSRID(ST_MakePoint(lon, lat), 4326),
           uncertainty_m, time_precision_s, kind, weapon_class, weapon_count, bearing_deg,
           source_reliability, confidence, attributes, :batch_id
    FROM observation_staging
    ON CONFLICT (feed, source_id) DO UPDATE
       SET observed_at = EXCLUDED.observed_at, reported_at = EXCLUDED.reported_at, geom = EXCLUDED.geom,
           uncertainty_m = EXCLUDED.uncertainty_m, time_precision_s = EXCLUDED.time_precision_s,
           kind = EXCLUDED.kind, weapon_class = EXCLUDED.weapon_class, weapon_count = EXCLUDED.weapon_count,
           bearing_deg = EXCLUDED.bearing_deg, source_reliability = EXCLUDED.source_reliability,
           confidence = EXCLUDED.confidence, attributes = EXCLUDED.attributes, batch_id = EXCLUDED.batch_id,
           loaded_at = now()
     WHERE (o.observed_at, o.reported_at, o.geom, o.uncertainty_m, o.time_precision_s, o.kind, o.weapon_class,
            o.weapon_count, o.bearing_deg, o.source_reliability, o.confidence, o.attributes)
           IS DISTINCT FROM
           (EXCLUDED.observed_at, EXCLUDED.reported_at, EXCLUDED.geom, EXCLUDED.uncertainty_m,
            EXCLUDED.time_precision_s, EXCLUDED.kind, EXCLUDED.weapon_class, EXCLUDED.weapon_count,
            EXCLUDED.bearing_deg, EXCLUDED.source_reliability, EXCLUDED.confidence, EXCLUDED.attributes)
    RETURNING (xmax = 0) AS inserted
)
SELECT count(*) FILTER (WHERE inserted) AS loaded,
       count(*) FILTER (WHERE NOT inserted) AS updated
FROM merged
