-- Dashboard sign-in sessions (the agenttrail_session cookie): the SHA-256 of the cookie only. A
-- session acts as its key, so it dies with the key (reads join api_keys on revoked_at IS NULL).
CREATE TABLE sessions (
  token_hash  TEXT PRIMARY KEY,
  key_id      TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX sessions_expiry ON sessions(expires_at);
