-- The back office's own records: accounts (a producer's customers) and their license server
-- instances, each with the hash of its sync credential.
CREATE TABLE accounts (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE instances (
  id              TEXT PRIMARY KEY,
  account_id      TEXT NOT NULL REFERENCES accounts (id),
  kind            TEXT NOT NULL CHECK (kind IN ('local', 'cloud')),
  name            TEXT NOT NULL,
  hostid          TEXT,
  credential_hash TEXT NOT NULL UNIQUE,
  created_at      INTEGER NOT NULL,
  last_sync_at    INTEGER
) STRICT;
