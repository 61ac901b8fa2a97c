-- Short-lived tokens that open live streams (GET /api/v1/stream?token=): the SHA-256 only.
CREATE TABLE stream_tokens (
  token_hash  TEXT PRIMARY KEY,
  key_id      TEXT NOT NULL,
  expires_at  INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX stream_tokens_expiry ON stream_tokens(expires_at);
