-- Every stored event ID as a 64-bit key (see eventKey in duckdb-warehouse.ts; filled by the
-- warehouse when this runs): ingest looks an ID up here across all time, so that an ID sent
-- again with another time is still recognised. A narrow column scans several times faster than
-- the IDs themselves; a key that matches is confirmed against the IDs, so that two IDs sharing
-- a key are never taken for one.
CREATE TABLE event_keys (key UBIGINT NOT NULL);
