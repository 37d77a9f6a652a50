-- The account-viewer role: a user who sees the report of one account only. SQLite cannot
-- change a CHECK in place, so the table is rebuilt; sessions are set aside meanwhile, as
-- dropping the old table would delete them through their foreign key.
CREATE TABLE users_next (
  id                    TEXT PRIMARY KEY,
  name                  TEXT NOT NULL UNIQUE COLLATE NOCASE,
  role                  TEXT NOT NULL CHECK (role IN ('admin', 'read-only', 'reservations', 'account-viewer')),
  password_hash         TEXT NOT NULL,
  must_change_password  INTEGER NOT NULL DEFAULT 1,
  failed_logins         INTEGER NOT NULL DEFAULT 0,
  locked_until          INTEGER,
  created_at            INTEGER NOT NULL,
  -- The one account an account-viewer sees; no other role has one.
  account_id            TEXT CHECK ((role = 'account-viewer') = (account_id IS NOT NULL))
) STRICT;
INSERT INTO users_next (id, name, role, password_hash, must_change_password, failed_logins, locked_until, created_at)
  SELECT id, name, role, password_hash, must_change_password, failed_logins, locked_until, created_at FROM users;
CREATE TEMP TABLE sessions_kept AS SELECT * FROM sessions;
DROP TABLE users;
ALTER TABLE users_next RENAME TO users;
INSERT INTO sessions SELECT * FROM temp.sessions_kept;
DROP TABLE temp.sessions_kept;
