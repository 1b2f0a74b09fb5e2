-- Reports of civilian harm in the period (flagged or not), with the incident they belong to, if any.
-- Fatalities as the feed gives them (ACLED: attributes.fatalities). The period total counts each
-- incident once (its highest report) and each report outside any incident once.
WITH harm AS (
    SELECT o.obs_id, l.incident_id, o.feed, o.batch_id, o.observed_at,
           CASE WHEN o.attributes ->> 'fatalities' ~ '^[0-9]+$'
                THEN CAST(o.attributes ->> 'fatalities' AS integer) END AS fatalities,
           o.attributes ->> 'notes' AS notes
    FROM linewatch.observation o
    LEFT JOIN linewatch.incident_observation l ON l.obs_id = o.obs_id
    WHERE o.kind = 'civilian_harm' AND o.observed_at >= :period_start AND o.observed_at < :period_end
), grouped AS (
    SELECT harm.*,
           max(fatalities) OVER (PARTITION BY coalesce(incident_id, 'obs:' || obs_id)) AS event_fatalities,
           row_number() OVER (PARTITION BY coalesce(incident_id, 'obs:' || obs_id) ORDER BY obs_id) = 1 AS first_report
    FROM harm
)
SELECT count(*) OVER () AS total, g.obs_id, g.incident_id, g.feed, g.batch_id, g.observed_at, g.fatalities, g.notes,
       sum(coalesce(g.event_fatalities, 0)) FILTER (WHERE g.first_report) OVER () AS period_fatalities,
       count(*) FILTER (WHERE g.first_report) OVER () AS events,
       p.settlement, p.settlement_m, p.settlement_occupied, p.reference_town, p.reference_m,
       p.reference_occupied, p.azimuth_deg
FROM grouped g
LEFT JOIN report_place p ON p.place_key = 'obs:' || g.obs_id
ORDER BY g.observed_at, g.obs_id
LIMIT :limit
