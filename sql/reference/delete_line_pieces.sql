DELETE FROM linewatch.line_piece WHERE line_of_occupation_id = :line_id
