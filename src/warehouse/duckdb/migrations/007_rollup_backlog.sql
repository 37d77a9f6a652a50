-- The stretch of time (epoch ms) whose rollup rows ingest appended and compaction has not merged
-- yet, and how many events it holds: written with those rows, so that a warehouse stopped or
-- killed before merging them still merges them after it opens again. One row; rows = 0 when
-- nothing waits.
CREATE TABLE rollup_backlog (from_ms DOUBLE NOT NULL, to_ms DOUBLE NOT NULL, rows BIGINT NOT NULL);
INSERT INTO rollup_backlog VALUES (0, 0, 0);
