-- The log's per-event and per-transaction rows move into rows the append transaction writes
-- anyway (measured: a transaction of 5 events wrote 45 pages to the write-ahead log, 9 of them the
-- log's; docs/benchmarks.md "Integrity log"):
-- * an event's opening salt becomes a column of its own row. Erasure deletes the row, and the salt
--   with it: the value and its salt (the opening) live in the deletable row, the leaf apart.
-- * an org's log head (size, right edge, last growth) becomes columns of its `orgs` row, which
--   every append already updates for `next_seq`. A size of 0 with no frontier: no log yet.
ALTER TABLE events ADD COLUMN log_salt BLOB;
UPDATE events SET log_salt = o.salt FROM log_openings o WHERE o.org_id = events.org_id AND o.seq = events.seq;
DROP TABLE log_openings;

ALTER TABLE orgs ADD COLUMN log_size INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orgs ADD COLUMN log_frontier BLOB;
ALTER TABLE orgs ADD COLUMN log_updated_at INTEGER;
UPDATE orgs SET log_size = h.size, log_frontier = h.frontier, log_updated_at = h.updated_at
  FROM log_heads h WHERE h.org_id = orgs.id;
DROP TABLE log_heads;

-- A salt is set once (by the append, or by the start-up backfill for an older event) and leaves
-- only with its row, as the opening's table allowed before.
CREATE TRIGGER events_log_salt_fixed BEFORE UPDATE OF log_salt ON events WHEN OLD.log_salt IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'events.log_salt is append-only: a salt leaves only with its event'); END;
