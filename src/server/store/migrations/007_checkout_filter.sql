-- The administrator's checkout filter: at most one, kept exactly as it was uploaded.
CREATE TABLE checkout_filter (
  id           INTEGER PRIMARY KEY CHECK (id = 1),
  name         TEXT NOT NULL,
  text         TEXT NOT NULL,
  activated_at INTEGER NOT NULL,
  activated_by TEXT NOT NULL
) STRICT;
