-- Signed checkpoints of the per-org Merkle logs and the history of the key that signs them
-- (docs/integrity.md). The private key is a file outside the database (log/log-key-file.ts); this
-- table holds public keys only, with their validity windows, so that every checkpoint ever signed
-- stays verifiable after a rotation.

-- One row per signing key: SHA-256 of the raw public key (hex), the raw 32-byte Ed25519 key, and
-- the window in which it signed (Unix ms; not_after null while it is the current key).
CREATE TABLE log_keys (
  fingerprint TEXT PRIMARY KEY,
  public_key  BLOB NOT NULL,
  algorithm   TEXT NOT NULL CHECK (algorithm = 'ed25519'),
  not_before  INTEGER NOT NULL,
  not_after   INTEGER
) STRICT;
-- At most one current key per algorithm.
CREATE UNIQUE INDEX log_keys_current ON log_keys(algorithm) WHERE not_after IS NULL;

-- Every checkpoint signed, per org in signing order (n = 1, 2, ...): the tree size and root it
-- commits to, the signed note (C2SP tlog-checkpoint, Ed25519 signature and timestamped
-- cosignature), when it was signed (Unix ms, whole seconds: the cosignature's time), and whether
-- the log grew ('growth') or only time passed ('heartbeat').
CREATE TABLE log_checkpoints (
  org_id          TEXT NOT NULL,
  n               INTEGER NOT NULL,
  size            INTEGER NOT NULL,
  root            BLOB NOT NULL,
  note            TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  kind            TEXT NOT NULL CHECK (kind IN ('growth', 'heartbeat')),
  key_fingerprint TEXT NOT NULL,
  PRIMARY KEY (org_id, n)
) STRICT, WITHOUT ROWID;
CREATE INDEX log_checkpoints_size ON log_checkpoints(org_id, size);

-- Append-only, as defence in depth: checkpoints are never changed or removed, never shrink, and a
-- key can only be retired, once.
CREATE TRIGGER log_checkpoints_no_update BEFORE UPDATE ON log_checkpoints
BEGIN SELECT RAISE(ABORT, 'log_checkpoints is append-only'); END;
CREATE TRIGGER log_checkpoints_no_delete BEFORE DELETE ON log_checkpoints
BEGIN SELECT RAISE(ABORT, 'log_checkpoints is append-only'); END;
CREATE TRIGGER log_checkpoints_no_shrink BEFORE INSERT ON log_checkpoints
WHEN NEW.size < (SELECT max(size) FROM log_checkpoints WHERE org_id = NEW.org_id)
BEGIN SELECT RAISE(ABORT, 'a checkpoint smaller than an earlier one is refused'); END;
CREATE TRIGGER log_keys_no_delete BEFORE DELETE ON log_keys
BEGIN SELECT RAISE(ABORT, 'log_keys is append-only'); END;
CREATE TRIGGER log_keys_retire_only BEFORE UPDATE ON log_keys
WHEN OLD.not_after IS NOT NULL OR NEW.not_after IS NULL OR NEW.fingerprint IS NOT OLD.fingerprint
  OR NEW.public_key IS NOT OLD.public_key OR NEW.algorithm IS NOT OLD.algorithm
  OR NEW.not_before IS NOT OLD.not_before
BEGIN SELECT RAISE(ABORT, 'a log key can only be retired, once'); END;
