-- The writer sets these times itself: a default that calls a function has to be bound again
-- whenever the log replays an ALTER of its table, which some ways of opening the file cannot do.
ALTER TABLE usage_events ALTER COLUMN ingested_at DROP DEFAULT;
ALTER TABLE schema_migrations ALTER COLUMN applied_at DROP DEFAULT;
