-- Named license pools (the active model definition) and reservations.

-- The pool a holding's counts came from, and for reservation draws whose reservation it was.
ALTER TABLE holdings ADD COLUMN pool TEXT;
ALTER TABLE holdings ADD COLUMN reserved_for TEXT;

-- At most one active model definition, kept exactly as it was uploaded.
CREATE TABLE license_model (
  id           INTEGER PRIMARY KEY CHECK (id = 1),
  name         TEXT NOT NULL,
  text         TEXT NOT NULL,
  activated_at INTEGER NOT NULL,
  activated_by TEXT NOT NULL
) STRICT;

CREATE TABLE reservation_groups (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE reservations (
  id           TEXT PRIMARY KEY,
  group_id     TEXT NOT NULL REFERENCES reservation_groups (id) ON DELETE CASCADE,
  position     INTEGER NOT NULL,
  hostid_value TEXT NOT NULL,
  hostid_type  TEXT NOT NULL,
  holder       TEXT NOT NULL
) STRICT;
CREATE INDEX reservations_group ON reservations (group_id);

CREATE TABLE reservation_entries (
  id             TEXT PRIMARY KEY,
  reservation_id TEXT NOT NULL REFERENCES reservations (id) ON DELETE CASCADE,
  position       INTEGER NOT NULL,
  feature        TEXT NOT NULL,
  version        TEXT NOT NULL,
  count          INTEGER NOT NULL CHECK (count > 0)
) STRICT;
CREATE INDEX reservation_entries_reservation ON reservation_entries (reservation_id);
