-- Saved views of the usage report: a name, the report page and its URL query, owned by the
-- user who saved it and, when shared, listed for everyone. `account_id` is the one account the
-- query narrows to, if it names exactly one: an account-viewer sees only such views.
CREATE TABLE report_views (
  id          TEXT PRIMARY KEY,
  owner_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name        TEXT NOT NULL,
  page        TEXT NOT NULL,
  query       TEXT NOT NULL,
  shared      INTEGER NOT NULL DEFAULT 0 CHECK (shared IN (0, 1)),
  account_id  TEXT,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  UNIQUE (owner_id, name COLLATE NOCASE)
) STRICT;
CREATE INDEX report_views_shared ON report_views (shared, account_id);
