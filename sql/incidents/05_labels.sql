-- The component label of every linked cluster (the smallest key in its component), filled by
-- linewatch.incidents.label_components from the links of 04_bucket_links.sql.
CREATE TEMP TABLE incident_label (cluster_key text PRIMARY KEY, label text NOT NULL) ON COMMIT DROP
