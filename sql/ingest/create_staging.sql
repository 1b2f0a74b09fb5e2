-- Per-load staging: a temporary table, gone at commit, so a failed load leaves nothing behind.
CREATE TEMP TABLE observation_staging (
    line_number        integer NOT NULL,
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
    attributes         jsonb NOT NULL,
    raw                text NOT NULL
) ON COMMIT DROP
