-- Per-load staging for one chunk at a time: a temporary table, gone at commit, so a failed load leaves
-- nothing behind. Repeats of a source_id within the file never reach it (they are quarantined first).
CREATE TEMP TABLE observation_staging (
    source_id          text NOT NULL,
    observed_at        timestamptz NOT NULL,
    reported_at        timestamptz,
    lon                double precision NOT NULL,
    lat                double precision NOT NULL,
    uncertainty_m      double precision NOT NULL,
    time_precision_s   integer NOT NULL,
    kind               text NOT NULL,
    weapon_class       text,
    weapon_count       integer,
    bearing_deg        double precision,
    source_reliability text,
    confidence         double precision,
    attributes         jsonb NOT NULL
) ON COMMIT DROP
