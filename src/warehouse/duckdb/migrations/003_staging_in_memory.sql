-- Staging moves to a temporary table that the warehouse creates when it opens: rows that only
-- pass through on their way to usage_events need not be written to the file and its log.
DROP TABLE usage_events_staging;
