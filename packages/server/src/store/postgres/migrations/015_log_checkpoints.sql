-- Signed checkpoints of the per-org Merkle logs and the history of the key that signs them
-- (docs/integrity.md). The private key is a file outside the database (log/log-key-file.ts); this
-- table holds public keys only, with their validity windows, so that every checkpoint ever signed
-- stays verifiable after a rotation.

-- One row per signing key: SHA-256 of the raw public key (hex), the raw 32-byte Ed25519 key, and
-- the window in which it signed (Unix ms; not_after null while it is the current key).
CREATE TABLE log_keys (
  fingerprint text PRIMARY KEY,
  public_key  bytea NOT NULL,
  algorithm   text NOT NULL CHECK (algorithm = 'ed25519'),
  not_before  bigint NOT NULL,
  not_after   bigint
);
-- At most one current key per algorithm.
CREATE UNIQUE INDEX log_keys_current ON log_keys(algorithm) WHERE not_after IS NULL;

-- Every checkpoint signed, per org in signing order (n = 1, 2, ...): the tree size and root it
-- commits to, the signed note (C2SP tlog-checkpoint, Ed25519 signature and timestamped
-- cosignature), when it was signed (Unix ms, whole seconds: the cosignature's time), and whether
-- the log grew ('growth') or only time passed ('heartbeat'). org_id leads the key (tenant data).
CREATE TABLE log_checkpoints (
  org_id          text NOT NULL,
  n               bigint NOT NULL,
  size            bigint NOT NULL,
  root            bytea NOT NULL,
  note            text NOT NULL,
  created_at      bigint NOT NULL,
  kind            text NOT NULL CHECK (kind IN ('growth', 'heartbeat')),
  key_fingerprint text NOT NULL,
  PRIMARY KEY (org_id, n)
);
CREATE INDEX log_checkpoints_size ON log_checkpoints(org_id, size);

-- Append-only, as defence in depth: checkpoints are never changed or removed, never shrink, and a
-- key can only be retired, once.
CREATE TRIGGER log_checkpoints_append_only BEFORE UPDATE OR DELETE ON log_checkpoints
  FOR EACH ROW EXECUTE FUNCTION log_append_only();
CREATE TRIGGER log_checkpoints_no_truncate BEFORE TRUNCATE ON log_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION log_append_only();
CREATE FUNCTION log_checkpoint_no_shrink() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.size < (SELECT max(size) FROM log_checkpoints WHERE org_id = NEW.org_id) THEN
    RAISE EXCEPTION 'a checkpoint smaller than an earlier one is refused' USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER log_checkpoints_no_shrink BEFORE INSERT ON log_checkpoints
  FOR EACH ROW EXECUTE FUNCTION log_checkpoint_no_shrink();
CREATE FUNCTION log_key_retire_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR OLD.not_after IS NOT NULL OR NEW.not_after IS NULL
     OR NEW.fingerprint IS DISTINCT FROM OLD.fingerprint OR NEW.public_key IS DISTINCT FROM OLD.public_key
     OR NEW.algorithm IS DISTINCT FROM OLD.algorithm OR NEW.not_before IS DISTINCT FROM OLD.not_before THEN
    RAISE EXCEPTION 'a log key can only be retired, once' USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER log_keys_retire_only BEFORE UPDATE OR DELETE ON log_keys
  FOR EACH ROW EXECUTE FUNCTION log_key_retire_only();
