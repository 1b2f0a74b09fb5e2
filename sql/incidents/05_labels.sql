-- Each cluster starts as its own label; propagation lowers labels along links until components agree.
CREATE TEMP TABLE incident_label ON COMMIT DROP AS
SELECT DISTINCT cluster_key, cluster_key AS label FROM incident_precise
