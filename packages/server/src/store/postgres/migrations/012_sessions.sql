-- Dashboard sign-in sessions (the agenttrail_session cookie): the SHA-256 of the cookie only. A
-- session acts as its key, so it dies with the key (reads join api_keys on revoked_at IS NULL).
-- Not keyed by org, like stream_tokens: any server on the database accepts a session.
CREATE TABLE sessions (
  token_hash  text PRIMARY KEY,
  key_id      text NOT NULL,
  created_at  bigint NOT NULL,
  expires_at  bigint NOT NULL
);
CREATE INDEX sessions_expiry ON sessions(expires_at);
