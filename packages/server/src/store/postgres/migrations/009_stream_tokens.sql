-- Short-lived tokens that open live streams (GET /api/v1/stream?token=): the SHA-256 only. A
-- configuration-like table (not keyed by org): any server on the database accepts a token.
CREATE TABLE stream_tokens (
  token_hash  text PRIMARY KEY,
  key_id      text NOT NULL,
  expires_at  bigint NOT NULL
);
CREATE INDEX stream_tokens_expiry ON stream_tokens(expires_at);
