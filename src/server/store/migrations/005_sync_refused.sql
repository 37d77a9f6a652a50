-- Usage events a back office refused even when sent alone: kept here, out of the outbox, so
-- that sync moves on and nothing is lost.
CREATE TABLE sync_refused (
  seq        INTEGER PRIMARY KEY,
  event_id   TEXT NOT NULL,
  event      TEXT NOT NULL,
  status     INTEGER NOT NULL,
  reason     TEXT NOT NULL,
  refused_at INTEGER NOT NULL
) STRICT;
