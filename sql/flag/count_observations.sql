SELECT count(*) FROM linewatch.observation WHERE observed_at >= :period_start AND observed_at < :period_end
