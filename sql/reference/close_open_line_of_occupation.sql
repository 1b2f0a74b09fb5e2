-- A new version ends the open-ended versions that started before it.
UPDATE linewatch.line_of_occupation
   SET valid_to = :valid_from
 WHERE valid_to IS NULL AND valid_from < :valid_from AND version <> :version
