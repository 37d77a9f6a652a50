-- For each denial, how far the nearest grant of the same feature to the same device or user
-- lies (microseconds, either side; NULL when none within 24 hours): true denials are those
-- whose gap exceeds the reader's tolerance. Worked out for stored events when this runs, and
-- kept up to date by ingest.
ALTER TABLE usage_events ADD COLUMN served_gap_us BIGINT;
