SELECT count(*) FROM day_position
