-- Values an administrator set through the properties API; they win over configured values.
CREATE TABLE properties (
  key        TEXT PRIMARY KEY,
  value      TEXT NOT NULL, -- JSON
  updated_at INTEGER NOT NULL,
  updated_by TEXT NOT NULL
) STRICT;
