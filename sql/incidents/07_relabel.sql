UPDATE incident_precise p
   SET cluster_key = l.label
  FROM incident_label l
 WHERE l.cluster_key = p.cluster_key
