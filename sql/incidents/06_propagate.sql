-- One step of min-label propagation over the links (run until it changes nothing).
UPDATE incident_label l
   SET label = n.label
  FROM (SELECT x.k, min(y.label) AS label
          FROM (SELECT a AS k, b AS o FROM incident_link UNION ALL SELECT b, a FROM incident_link) x
          JOIN incident_label y ON y.cluster_key = x.o
         GROUP BY x.k) n
 WHERE n.k = l.cluster_key AND n.label < l.label
