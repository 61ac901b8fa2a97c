-- The per-org Merkle log (RFC 6962 / 9162; docs/integrity.md). Leaf index = seq - 1, so the tree
-- is exactly the trail: the append transaction writes an event's leaf, its opening and the interior
-- nodes it completes, and moves the head, together with the event row, under the org's row lock.
-- Orgs with events from before this migration get their leaves from the start-up backfill
-- (postgres-log-backfill.ts). org_id leads every key (tenant data).

-- The leaf as committed (JCS text, never re-derived from a JSON type) and SHA-256(0x00 || leaf).
CREATE TABLE log_leaves (
  org_id text NOT NULL,
  seq    bigint NOT NULL,
  leaf   text NOT NULL,
  hash   bytea NOT NULL,
  PRIMARY KEY (org_id, seq)
);

-- The salt that opens the leaf's field commitments (the values are the event row's own fields).
-- Erasure deletes the opening with the event row; the leaf stays.
CREATE TABLE log_openings (
  org_id text NOT NULL,
  seq    bigint NOT NULL,
  salt   bytea NOT NULL,
  PRIMARY KEY (org_id, seq)
);

-- Roots of completed perfect subtrees: node (level, idx) covers leaves [idx * 2^level, (idx + 1) * 2^level).
-- Only every 4th level is stored (4, 8, 12, ...); the levels between are recomputed from the stored
-- level below, or from leaf hashes (store/log-range.ts).
CREATE TABLE log_nodes (
  org_id text NOT NULL,
  level  smallint NOT NULL,
  idx    bigint NOT NULL,
  hash   bytea NOT NULL,
  PRIMARY KEY (org_id, level, idx)
);

-- Each org's tree size and right edge (the perfect-subtree roots, left to right, 32 bytes each),
-- and when the append transaction that last grew it started (Unix ms).
CREATE TABLE log_heads (
  org_id     text PRIMARY KEY,
  size       bigint NOT NULL,
  frontier   bytea NOT NULL,
  updated_at bigint NOT NULL
);
CREATE INDEX log_heads_updated ON log_heads(updated_at);

-- Append-only, as defence in depth (the signed checkpoints, not this, are the guarantee).
CREATE FUNCTION log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% on % refused: the integrity log is append-only', TG_OP, TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER log_leaves_append_only BEFORE UPDATE OR DELETE ON log_leaves
  FOR EACH ROW EXECUTE FUNCTION log_append_only();
CREATE TRIGGER log_leaves_no_truncate BEFORE TRUNCATE ON log_leaves
  FOR EACH STATEMENT EXECUTE FUNCTION log_append_only();
CREATE TRIGGER log_nodes_append_only BEFORE UPDATE OR DELETE ON log_nodes
  FOR EACH ROW EXECUTE FUNCTION log_append_only();
CREATE TRIGGER log_nodes_no_truncate BEFORE TRUNCATE ON log_nodes
  FOR EACH STATEMENT EXECUTE FUNCTION log_append_only();
-- Openings may be deleted (erasure, retention), never changed.
CREATE TRIGGER log_openings_no_update BEFORE UPDATE ON log_openings
  FOR EACH ROW EXECUTE FUNCTION log_append_only();
