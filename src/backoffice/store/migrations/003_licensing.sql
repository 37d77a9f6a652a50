-- The producer's licensing service: products, entitlements of accounts (line items, each an
-- activation ID with a quantity), where each activation ID's counts went, and the exchanges
-- with license servers that moved them.
CREATE TABLE products (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  version    TEXT,
  term       TEXT NOT NULL,
  features   TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE entitlements (
  id         TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts (id),
  name       TEXT,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX entitlements_by_account ON entitlements (account_id);

CREATE TABLE line_items (
  activation_id  TEXT PRIMARY KEY,
  entitlement_id TEXT NOT NULL REFERENCES entitlements (id),
  position       INTEGER NOT NULL,
  product_id     TEXT NOT NULL REFERENCES products (id),
  quantity       INTEGER NOT NULL CHECK (quantity > 0),
  start          TEXT,
  expiry         TEXT
) STRICT;
CREATE INDEX line_items_by_entitlement ON line_items (entitlement_id, position);

-- Counts of an activation ID on one license server; the sum over servers never passes the quantity.
CREATE TABLE activations (
  activation_id      TEXT NOT NULL REFERENCES line_items (activation_id),
  instance_id        TEXT NOT NULL REFERENCES instances (id),
  count              INTEGER NOT NULL CHECK (count >= 0),
  first_activated_at INTEGER NOT NULL,
  updated_at         INTEGER NOT NULL,
  PRIMARY KEY (activation_id, instance_id)
) STRICT;
CREATE INDEX activations_by_instance ON activations (instance_id);

-- Every change of an activation's count: who moved counts, how, when.
CREATE TABLE activation_history (
  seq           INTEGER PRIMARY KEY,
  activation_id TEXT NOT NULL,
  instance_id   TEXT NOT NULL,
  delta         INTEGER NOT NULL,
  count_after   INTEGER NOT NULL,
  via           TEXT NOT NULL,
  at            INTEGER NOT NULL
) STRICT;
CREATE INDEX activation_history_by_id ON activation_history (activation_id, seq);

-- A license server's key, bound at its first exchange, and what it last said of itself.
ALTER TABLE instances ADD COLUMN public_key TEXT;
ALTER TABLE instances ADD COLUMN hostids TEXT;
ALTER TABLE instances ADD COLUMN last_exchange_at INTEGER;

-- Requests already answered, so that none is answered twice; kept until they expire.
CREATE TABLE exchange_nonces (
  instance_id TEXT NOT NULL,
  nonce       TEXT NOT NULL,
  kind        TEXT NOT NULL,
  answered_at INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  PRIMARY KEY (instance_id, nonce)
) STRICT;
