-- Full-text search leaves the append transaction (ADR 0012): the words of each event move out of
-- `events` into a table of their own with the GIN index, written behind the append by the indexer
-- (postgres-search-index.ts), which follows one cursor per org.
-- Appends wait while this runs: the events table is locked first, so every event is either copied
-- here or appended after the cursors were set (and then indexed by the indexer).
LOCK TABLE events IN ACCESS EXCLUSIVE MODE;

-- An event's words (no positions: search matches whole words, never phrases). An event without a
-- word has no row.
CREATE TABLE event_search (
  org_id  text NOT NULL,
  seq     bigint NOT NULL,
  search  tsvector NOT NULL,
  PRIMARY KEY (org_id, seq)
);

-- How far the indexer has come, per org: every event of the org with `seq` up to this one is in
-- `event_search` (or has no word). An org's events commit in seq order (its row lock), so the
-- events past the cursor are exactly those still to index.
CREATE TABLE search_cursors (
  org_id  text PRIMARY KEY,
  seq     bigint NOT NULL
);

INSERT INTO event_search (org_id, seq, search)
  SELECT org_id, seq, strip(search) FROM events WHERE length(search) > 0;
INSERT INTO search_cursors (org_id, seq) SELECT id, next_seq - 1 FROM orgs;

-- Built once over the copied rows (faster than growing it row by row).
CREATE INDEX event_search_words ON event_search USING gin (search);

DROP INDEX events_search;
ALTER TABLE events DROP COLUMN search;
