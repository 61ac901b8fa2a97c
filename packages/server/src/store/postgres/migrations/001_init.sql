-- AgentTrail PostgreSQL schema, version 1. Times are Unix epoch milliseconds (bigint).
-- org_id leads every key of tenant data, so the event tables can be distributed by org (Citus).

CREATE TABLE orgs (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  next_seq    bigint NOT NULL DEFAULT 1,
  created_at  bigint NOT NULL
);

CREATE TABLE api_keys (
  id            text PRIMARY KEY,
  org_id        text NOT NULL REFERENCES orgs(id),
  name          text NOT NULL,
  description   text,
  key_hash      text NOT NULL UNIQUE,
  key_prefix    text NOT NULL,
  scopes        text NOT NULL,
  created_at    bigint NOT NULL,
  last_used_at  bigint,
  revoked_at    bigint,
  rotated_from  text
);
CREATE INDEX api_keys_org ON api_keys(org_id);

CREATE TABLE events (
  org_id                text NOT NULL,
  id                    text NOT NULL,
  seq                   bigint NOT NULL,
  environment           text NOT NULL,
  idempotency_key       text,
  ts                    bigint NOT NULL,
  received_at           bigint NOT NULL,
  agent                 text,
  "user"                text,
  ip_address            text,
  kind                  text NOT NULL,
  service               text,
  action                text,
  status                text NOT NULL,
  title                 text,
  trace_id              text,
  span_id               text,
  parent_span_id        text,
  conversation_id       text,
  provider              text,
  model                 text,
  tokens_input          bigint,
  tokens_output         bigint,
  tokens_cache_read     bigint,
  tokens_cache_write    bigint,
  tokens_total          bigint,
  cost_micros           bigint,
  cost_source           text,
  stop_reason           text,
  rate_limit            text,
  input                 text,
  output                text,
  system_prompt_sha256  text,
  messages              text,
  thinking              text,
  tool_calls            text,
  error                 text,
  duration_ms           bigint,
  tags                  text NOT NULL,
  metadata              text NOT NULL,
  context               text,
  -- Words of title, input, output and error (string values only), accents folded in the server.
  search                tsvector NOT NULL,
  PRIMARY KEY (org_id, id)
);
CREATE UNIQUE INDEX events_org_seq ON events(org_id, seq);
CREATE INDEX events_org_ts ON events(org_id, ts, id);
CREATE INDEX events_org_agent_ts ON events(org_id, agent, ts, id);
CREATE INDEX events_org_status_ts ON events(org_id, status, ts, id);
CREATE INDEX events_org_trace ON events(org_id, trace_id) WHERE trace_id IS NOT NULL;
CREATE INDEX events_org_conversation ON events(org_id, conversation_id, ts, id) WHERE conversation_id IS NOT NULL;
CREATE INDEX events_search ON events USING gin (search);

CREATE TABLE event_tags (
  org_id  text NOT NULL,
  tag     text NOT NULL,
  ts      bigint NOT NULL,
  seq     bigint NOT NULL,
  PRIMARY KEY (org_id, tag, ts, seq)
);

CREATE TABLE system_prompts (
  org_id      text NOT NULL,
  sha256      text NOT NULL,
  text        text NOT NULL,
  created_at  bigint NOT NULL,
  PRIMARY KEY (org_id, sha256)
);

-- Rollups, kept in the append transaction. Same dimension sets as the embedded store.
CREATE TABLE rollups (
  org_id              text NOT NULL,
  grain               text NOT NULL,
  dim                 text NOT NULL,
  bucket              bigint NOT NULL,
  environment         text NOT NULL,
  agent               text NOT NULL,
  value               text NOT NULL,
  events              bigint NOT NULL,
  errors              bigint NOT NULL,
  pending             bigint NOT NULL,
  denied              bigint NOT NULL,
  duration_count      bigint NOT NULL,
  duration_sum        bigint NOT NULL,
  tokens_input        bigint NOT NULL,
  tokens_output       bigint NOT NULL,
  tokens_cache_read   bigint NOT NULL,
  tokens_cache_write  bigint NOT NULL,
  tokens_total        bigint NOT NULL,
  cost_micros         bigint NOT NULL,
  PRIMARY KEY (org_id, grain, dim, bucket, environment, agent, value)
);

CREATE TABLE latency_rollups (
  org_id       text NOT NULL,
  grain        text NOT NULL,
  dim          text NOT NULL,
  bucket       bigint NOT NULL,
  environment  text NOT NULL,
  agent        text NOT NULL,
  latency      integer NOT NULL,
  events       bigint NOT NULL,
  PRIMARY KEY (org_id, grain, dim, bucket, environment, agent, latency)
);

CREATE TABLE agents (
  org_id          text NOT NULL,
  environment     text NOT NULL,
  name            text NOT NULL,
  status          text NOT NULL DEFAULT 'active',
  first_seen      bigint NOT NULL,
  last_seen       bigint NOT NULL,
  events          bigint NOT NULL,
  errors          bigint NOT NULL,
  tokens_total    bigint NOT NULL,
  cost_micros     bigint NOT NULL,
  PRIMARY KEY (org_id, environment, name)
);

CREATE TABLE idempotency_keys (
  org_id        text NOT NULL,
  key           text NOT NULL,
  request_hash  text NOT NULL,
  ids           text NOT NULL,
  created_at    bigint NOT NULL,
  PRIMARY KEY (org_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys(created_at);
