-- License servers Tally does not run, polled by the back office: what to poll, how often, and
-- what the last poll left (status, and the last complete snapshot the next one is diffed against).
-- The REST token is kept as given: the back office needs it to call the server.
CREATE TABLE monitors (
  id               TEXT PRIMARY KEY,
  instance_id      TEXT NOT NULL,
  kind             TEXT NOT NULL CHECK (kind IN ('command', 'rest')),
  target           TEXT NOT NULL,
  token            TEXT,
  interval_seconds INTEGER NOT NULL,
  timeout_seconds  INTEGER NOT NULL,
  time_zone        TEXT NOT NULL,
  capacity         TEXT NOT NULL,
  created_at       INTEGER NOT NULL,
  status           TEXT NOT NULL,
  snapshot         TEXT
) STRICT;
