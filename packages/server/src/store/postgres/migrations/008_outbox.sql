-- The publish stage (docs/events-out.md): who is told (subscriptions: webhooks, notification
-- channels, rollback hooks), what must be told (outbox rows, written by the append in the
-- transaction of the event that causes them), and each telling (deliveries and their attempts).
-- Every change to an org's subscriptions moves orgs.notify_version on, so each process's cache of
-- the topics an org wants is refreshed at its next append.

ALTER TABLE orgs ADD COLUMN notify_version bigint NOT NULL DEFAULT 0;

CREATE TABLE subscriptions (
  org_id           TEXT NOT NULL,
  id               TEXT NOT NULL,
  kind             TEXT NOT NULL,       -- webhook | notification | rollback
  channel          TEXT,                -- notification: slack | discord | pagerduty | email
  url              TEXT,                -- webhook and rollback: the destination
  secret           TEXT,                -- sealed (notify/secret-box.ts): the signing secret
  config           TEXT,                -- sealed JSON: a channel's config
  topics           TEXT NOT NULL,       -- JSON array of topics
  agent_name       TEXT,                -- rollback: only this agent's (NULL: every agent)
  description      TEXT,
  enabled          boolean NOT NULL,
  disabled_reason  TEXT,
  failure_count    bigint NOT NULL DEFAULT 0,
  last_triggered_at bigint,
  created_at       bigint NOT NULL,
  updated_at       bigint NOT NULL,
  PRIMARY KEY (org_id, id)
);

-- A row names the seqs of the events one append inserted for an org (topic `events`; what they
-- announce is worked out from the events when the row is fanned out), or is one batch request's
-- `batch.logged` (with its data).
CREATE TABLE outbox (
  id           bigserial PRIMARY KEY,
  org_id       TEXT NOT NULL,
  topic        TEXT NOT NULL,
  seq          bigint,
  seq_to       bigint,
  environment  TEXT NOT NULL,
  data         TEXT NOT NULL,
  created_at   bigint NOT NULL
);

CREATE TABLE deliveries (
  org_id           TEXT NOT NULL,
  id               TEXT NOT NULL,
  subscription_id  TEXT NOT NULL,
  topic            TEXT NOT NULL,
  event_id         TEXT,
  agent            TEXT,
  environment      TEXT NOT NULL,
  data             TEXT NOT NULL,
  body             TEXT,               -- the exact bytes sent, kept from the first attempt
  announced_at     bigint NOT NULL,
  status           TEXT NOT NULL,      -- pending | delivered | failed
  attempts         bigint NOT NULL DEFAULT 0,
  next_attempt_at  bigint NOT NULL,
  lease_until      bigint,
  last_status      bigint,
  last_error       TEXT,
  delivered_at     bigint,
  created_at       bigint NOT NULL,
  PRIMARY KEY (org_id, id)
);
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX deliveries_of ON deliveries (org_id, subscription_id, created_at);

CREATE TABLE delivery_attempts (
  org_id           TEXT NOT NULL,
  delivery_id      TEXT NOT NULL,
  attempt          bigint NOT NULL,
  subscription_id  TEXT NOT NULL,
  started_at       bigint NOT NULL,
  duration_ms      bigint NOT NULL,
  ok               boolean NOT NULL,
  status_code      bigint,
  error            TEXT,
  response_body    TEXT,
  PRIMARY KEY (org_id, delivery_id, attempt)
);
CREATE INDEX delivery_attempts_of ON delivery_attempts (org_id, subscription_id, started_at);
