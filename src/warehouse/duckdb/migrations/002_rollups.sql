-- What the report reads instead of raw events for whole hours and days. A row holds the
-- events of one hour (or day) with the same instance, account, feature, model, kind and code.
-- Ingest appends a row per batch and group; compaction merges them; queries aggregate again,
-- so an uncompacted table gives the same answers, only slower. Filled from the events already
-- stored when this migration runs.
--   n             events
--   units         sum of counts
--   peak          most in use after any of the events
--   last_ts       time of the latest event; last_in_use: in use after it
--   cap_ts        time of the latest event with a capacity; last_capacity: that capacity
--   max_capacity  the largest capacity seen
CREATE TABLE usage_hourly (
  t TIMESTAMPTZ NOT NULL, instance_id VARCHAR NOT NULL, account_id VARCHAR, feature VARCHAR NOT NULL,
  model VARCHAR, kind VARCHAR NOT NULL, status_code INTEGER,
  n BIGINT NOT NULL, units BIGINT NOT NULL, peak INTEGER NOT NULL, last_ts TIMESTAMPTZ NOT NULL,
  last_in_use INTEGER NOT NULL, cap_ts TIMESTAMPTZ, last_capacity INTEGER, max_capacity INTEGER
);
CREATE TABLE usage_daily (
  t TIMESTAMPTZ NOT NULL, instance_id VARCHAR NOT NULL, account_id VARCHAR, feature VARCHAR NOT NULL,
  model VARCHAR, kind VARCHAR NOT NULL, status_code INTEGER,
  n BIGINT NOT NULL, units BIGINT NOT NULL, peak INTEGER NOT NULL, last_ts TIMESTAMPTZ NOT NULL,
  last_in_use INTEGER NOT NULL, cap_ts TIMESTAMPTZ, last_capacity INTEGER, max_capacity INTEGER
);

-- Devices and users served (checkouts and consumptions) per day and per month, each
-- combination once (after compaction): distinct counts over many days cannot be summed, so they
-- are kept as sets. Devices and users are kept as 64-bit hashes, which count distinct several
-- times faster than text and collide about once in 4 billion squared pairs.
CREATE TABLE clients_daily (
  t TIMESTAMPTZ NOT NULL, instance_id VARCHAR NOT NULL, account_id VARCHAR, feature VARCHAR NOT NULL,
  model VARCHAR, kind VARCHAR NOT NULL, device_key UBIGINT NOT NULL, user_key UBIGINT
);
CREATE TABLE clients_monthly (
  t TIMESTAMPTZ NOT NULL, instance_id VARCHAR NOT NULL, account_id VARCHAR, feature VARCHAR NOT NULL,
  model VARCHAR, kind VARCHAR NOT NULL, device_key UBIGINT NOT NULL, user_key UBIGINT
);

-- Staging rows carry the number of the ingest call they came from, so that the calls written
-- together in one transaction each learn how many of their events were new.
DROP TABLE usage_events_staging;
CREATE TABLE usage_events_staging (
  batch INTEGER NOT NULL, event_id VARCHAR, ts VARCHAR, instance_id VARCHAR, account_id VARCHAR, kind VARCHAR,
  feature VARCHAR, version VARCHAR, count INTEGER, model VARCHAR, device_id VARCHAR, device_id_type VARCHAR,
  device_alias VARCHAR, user_name VARCHAR, pool VARCHAR, status_code INTEGER, in_use_after INTEGER,
  capacity INTEGER, overdraft INTEGER, record_id VARCHAR, correlation_id VARCHAR, source VARCHAR
);
