-- Events a license server sent that cannot be stored, set aside so that the rest of its stream
-- moves on: the event as received, the instance that sent it, the first field at fault and why
-- (every problem in `details`, JSON), and when. `fingerprint` (the SHA-256 of the instance and
-- the event as received) keeps a batch sent again from setting the same event aside twice.
CREATE TABLE quarantine (
  id          INTEGER PRIMARY KEY,
  fingerprint TEXT NOT NULL UNIQUE,
  received_at INTEGER NOT NULL,
  instance_id TEXT NOT NULL,
  event_id    TEXT,
  field       TEXT NOT NULL,
  reason      TEXT NOT NULL,
  details     TEXT NOT NULL,
  event       TEXT NOT NULL,
  truncated   INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX quarantine_by_instance ON quarantine (instance_id, id);
