-- Feature records are no longer kept as rows: at start-up the server verifies each stored
-- license file against the producer key and serves the records the signature covers, so an
-- edited row can no longer be served. The files themselves stay in `licenses`.
DROP TABLE feature_records;
