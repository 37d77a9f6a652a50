-- Trusted storage of a Tally license server.

-- Facts about this server: its instance ID, when it was set up.
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

-- Signed license files as loaded; their records are what the server serves.
CREATE TABLE licenses (
  license_id TEXT PRIMARY KEY,
  producer   TEXT NOT NULL,
  key_id     TEXT NOT NULL,
  issued_at  INTEGER NOT NULL,
  loaded_at  INTEGER NOT NULL,
  file       TEXT NOT NULL
) STRICT;

CREATE TABLE feature_records (
  id         TEXT PRIMARY KEY,
  license_id TEXT NOT NULL REFERENCES licenses (license_id) ON DELETE CASCADE,
  name       TEXT NOT NULL,
  version    TEXT NOT NULL,
  record     TEXT NOT NULL -- the record as JSON
) STRICT;
CREATE INDEX feature_records_name ON feature_records (name);

-- Client devices that hold or held counts.
CREATE TABLE devices (
  device_key        TEXT PRIMARY KEY,
  hostid_value      TEXT NOT NULL,
  hostid_type       TEXT NOT NULL,
  device_type       TEXT NOT NULL,
  host_type         TEXT NOT NULL,
  alias             TEXT,
  user_name         TEXT,
  vendor_dictionary TEXT NOT NULL,
  first_seen        INTEGER NOT NULL,
  last_seen         INTEGER NOT NULL
) STRICT;

-- Leases, reusable metered holdings and metered consumptions.
CREATE TABLE holdings (
  id             TEXT PRIMARY KEY,
  device_key     TEXT NOT NULL,
  record_id      TEXT NOT NULL,
  feature        TEXT NOT NULL,
  version        TEXT NOT NULL,
  model          TEXT NOT NULL CHECK (model IN ('concurrent', 'metered')),
  kind           TEXT NOT NULL CHECK (kind IN ('lease', 'metered', 'consumption')),
  count          INTEGER NOT NULL CHECK (count > 0),
  overdraft      INTEGER NOT NULL CHECK (overdraft >= 0),
  granted_at     INTEGER NOT NULL,
  renewed_at     INTEGER NOT NULL,
  expires_at     INTEGER,
  correlation_id TEXT NOT NULL
) STRICT;

-- Usage events waiting to be sent to the back office, written in the same transaction as
-- the state change they describe.
CREATE TABLE outbox (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id   TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  event      TEXT NOT NULL
) STRICT;
