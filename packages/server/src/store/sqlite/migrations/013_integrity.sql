-- The per-org Merkle log (RFC 6962 / 9162; docs/integrity.md). Leaf index = seq - 1, so the tree
-- is exactly the trail: the append transaction writes an event's leaf, its opening and the interior
-- nodes it completes, and moves the head, together with the event row. Orgs with events from before
-- this migration get their leaves from the start-up backfill (sqlite-log-backfill.ts).

-- The leaf as committed (JCS text, never re-derived) and its hash SHA-256(0x00 || leaf). A rowid
-- table: rows of about 1 KB append at the end of its b-tree, where WITHOUT ROWID would split pages
-- of the key's b-tree (measured: about twice the cost per row).
CREATE TABLE log_leaves (
  org_id TEXT NOT NULL,
  seq    INTEGER NOT NULL,
  leaf   TEXT NOT NULL,
  hash   BLOB NOT NULL,
  PRIMARY KEY (org_id, seq)
) STRICT;

-- The salt that opens the leaf's field commitments (the values are the event row's own fields).
-- Erasure deletes the opening with the event row; the leaf stays.
CREATE TABLE log_openings (
  org_id TEXT NOT NULL,
  seq    INTEGER NOT NULL,
  salt   BLOB NOT NULL,
  PRIMARY KEY (org_id, seq)
) STRICT, WITHOUT ROWID;

-- Roots of completed perfect subtrees: node (level, idx) covers leaves [idx * 2^level, (idx + 1) * 2^level).
-- Only every 4th level is stored (4, 8, 12, ...); the levels between are recomputed from the stored
-- level below, or from leaf hashes (store/log-range.ts).
CREATE TABLE log_nodes (
  org_id TEXT NOT NULL,
  level  INTEGER NOT NULL,
  idx    INTEGER NOT NULL,
  hash   BLOB NOT NULL,
  PRIMARY KEY (org_id, level, idx)
) STRICT, WITHOUT ROWID;

-- Each org's tree size and right edge (the perfect-subtree roots, left to right, 32 bytes each),
-- and when the append transaction that last grew it started (Unix ms).
CREATE TABLE log_heads (
  org_id     TEXT PRIMARY KEY,
  size       INTEGER NOT NULL,
  frontier   BLOB NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX log_heads_updated ON log_heads(updated_at);

-- Append-only, as defence in depth (the signed checkpoints, not this, are the guarantee).
CREATE TRIGGER log_leaves_no_update BEFORE UPDATE ON log_leaves
BEGIN SELECT RAISE(ABORT, 'log_leaves is append-only'); END;
CREATE TRIGGER log_leaves_no_delete BEFORE DELETE ON log_leaves
BEGIN SELECT RAISE(ABORT, 'log_leaves is append-only'); END;
CREATE TRIGGER log_nodes_no_update BEFORE UPDATE ON log_nodes
BEGIN SELECT RAISE(ABORT, 'log_nodes is append-only'); END;
CREATE TRIGGER log_nodes_no_delete BEFORE DELETE ON log_nodes
BEGIN SELECT RAISE(ABORT, 'log_nodes is append-only'); END;
-- Openings may be deleted (erasure, retention), never changed.
CREATE TRIGGER log_openings_no_update BEFORE UPDATE ON log_openings
BEGIN SELECT RAISE(ABORT, 'log_openings is append-only: openings may only be deleted'); END;
