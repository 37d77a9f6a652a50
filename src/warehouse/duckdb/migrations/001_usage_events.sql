-- Raw usage events, one row per event, as the license servers and importers sent them.
CREATE TABLE usage_events (
  event_id       VARCHAR NOT NULL,
  ts             TIMESTAMPTZ NOT NULL,
  instance_id    VARCHAR NOT NULL,
  account_id     VARCHAR,
  kind           VARCHAR NOT NULL,
  feature        VARCHAR NOT NULL,
  version        VARCHAR NOT NULL,
  count          INTEGER NOT NULL,
  model          VARCHAR,
  device_id      VARCHAR NOT NULL,
  device_id_type VARCHAR NOT NULL,
  device_alias   VARCHAR,
  user_name      VARCHAR,
  pool           VARCHAR,
  status_code    INTEGER,
  in_use_after   INTEGER NOT NULL,
  capacity       INTEGER,
  overdraft      INTEGER NOT NULL,
  record_id      VARCHAR,
  correlation_id VARCHAR,
  source         VARCHAR NOT NULL,
  ingested_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Incoming batches land here first, so that duplicates can be dropped in one statement.
CREATE TABLE usage_events_staging (
  event_id VARCHAR, ts VARCHAR, instance_id VARCHAR, account_id VARCHAR, kind VARCHAR, feature VARCHAR,
  version VARCHAR, count INTEGER, model VARCHAR, device_id VARCHAR, device_id_type VARCHAR,
  device_alias VARCHAR, user_name VARCHAR, pool VARCHAR, status_code INTEGER, in_use_after INTEGER,
  capacity INTEGER, overdraft INTEGER, record_id VARCHAR, correlation_id VARCHAR, source VARCHAR
);
