-- The log's per-event and per-transaction rows move into rows the append transaction writes
-- anyway (docs/benchmarks.md "Integrity log"):
-- * an event's opening salt becomes a column of its own row. Erasure deletes the row, and the salt
--   with it: the value and its salt (the opening) live in the deletable row, the leaf apart.
-- * an org's log head (size, right edge, last growth) becomes columns of its `orgs` row, which
--   every append already locks and updates for `next_seq`, so the lock reads the head too.
--   A size of 0 with no frontier: no log yet.
ALTER TABLE events ADD COLUMN log_salt bytea;
UPDATE events e SET log_salt = o.salt FROM log_openings o WHERE o.org_id = e.org_id AND o.seq = e.seq;
DROP TABLE log_openings;

ALTER TABLE orgs ADD COLUMN log_size bigint NOT NULL DEFAULT 0,
  ADD COLUMN log_frontier bytea,
  ADD COLUMN log_updated_at bigint;
UPDATE orgs o SET log_size = h.size, log_frontier = h.frontier, log_updated_at = h.updated_at
  FROM log_heads h WHERE h.org_id = o.id;
DROP TABLE log_heads;

-- A salt is set once (by the append, or by the start-up backfill for an older event) and leaves
-- only with its row, as the opening's table allowed before.
CREATE TRIGGER events_log_salt_fixed BEFORE UPDATE OF log_salt ON events
  FOR EACH ROW WHEN (OLD.log_salt IS NOT NULL) EXECUTE FUNCTION log_append_only();
