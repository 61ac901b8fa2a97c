-- Per-key token buckets shared by every server process (postgres-rate-limiter.ts).
CREATE TABLE rate_buckets (
  key      text PRIMARY KEY,
  tokens   double precision NOT NULL,
  at       bigint NOT NULL,
  allowed  boolean NOT NULL
);
