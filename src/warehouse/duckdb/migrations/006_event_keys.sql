-- Every stored event ID as a 64-bit key (the first half of its MD5): ingest looks an ID up here
-- across all time, so that an ID sent again with another time is still recognised. A narrow
-- column scans several times faster than the IDs themselves; a key that matches is confirmed
-- against the IDs, so that two IDs sharing a key are never taken for one.
CREATE TABLE event_keys (key UBIGINT NOT NULL);
INSERT INTO event_keys SELECT ('0x' || left(md5(event_id), 16))::UBIGINT FROM usage_events;
