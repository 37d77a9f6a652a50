-- License updates from the back office: the requests this server made (their nonces, so each
-- answer is applied once), the history of what each update changed, and the client key that
-- capability requests may be signed with.
CREATE TABLE exchange_requests (
  nonce       TEXT PRIMARY KEY,
  kind        TEXT NOT NULL CHECK (kind IN ('activation', 'capability')),
  via         TEXT NOT NULL CHECK (via IN ('online', 'offline')),
  activations TEXT,
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  answered_at INTEGER
) STRICT;

CREATE TABLE license_updates (
  id      TEXT PRIMARY KEY,
  at      INTEGER NOT NULL,
  source  TEXT NOT NULL,
  summary TEXT NOT NULL,
  changes TEXT NOT NULL
) STRICT;
CREATE INDEX license_updates_by_time ON license_updates (at);

CREATE TABLE client_key (
  id          INTEGER PRIMARY KEY CHECK (id = 1),
  der         BLOB NOT NULL,
  key_id      TEXT NOT NULL,
  uploaded_at INTEGER NOT NULL,
  uploaded_by TEXT NOT NULL
) STRICT;
