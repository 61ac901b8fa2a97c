-- AgentTrail embedded schema, version 1. Times are Unix epoch milliseconds (INTEGER).

CREATE TABLE orgs (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  next_seq    INTEGER NOT NULL DEFAULT 1,
  created_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE api_keys (
  id            TEXT PRIMARY KEY,
  org_id        TEXT NOT NULL REFERENCES orgs(id),
  name          TEXT NOT NULL,
  description   TEXT,
  key_hash      TEXT NOT NULL UNIQUE,
  key_prefix    TEXT NOT NULL,
  scopes        TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  last_used_at  INTEGER,
  revoked_at    INTEGER,
  rotated_from  TEXT
) STRICT;
CREATE INDEX api_keys_org ON api_keys(org_id);

-- The append-only trail. rowid is the local insertion order; (org_id, seq) the verifiable order.
CREATE TABLE events (
  rowid                 INTEGER PRIMARY KEY,
  org_id                TEXT NOT NULL,
  id                    TEXT NOT NULL,
  seq                   INTEGER NOT NULL,
  environment           TEXT NOT NULL,
  idempotency_key       TEXT,
  ts                    INTEGER NOT NULL,
  received_at           INTEGER NOT NULL,
  agent                 TEXT,
  user                  TEXT,
  ip_address            TEXT,
  kind                  TEXT NOT NULL,
  service               TEXT,
  action                TEXT,
  status                TEXT NOT NULL,
  title                 TEXT,
  trace_id              TEXT,
  span_id               TEXT,
  parent_span_id        TEXT,
  conversation_id       TEXT,
  provider              TEXT,
  model                 TEXT,
  tokens_input          INTEGER,
  tokens_output         INTEGER,
  tokens_cache_read     INTEGER,
  tokens_cache_write    INTEGER,
  tokens_total          INTEGER,
  cost_micros           INTEGER,
  cost_source           TEXT,
  stop_reason           TEXT,
  rate_limit            TEXT,
  input                 TEXT,
  output                TEXT,
  system_prompt_sha256  TEXT,
  messages              TEXT,
  thinking              TEXT,
  tool_calls            TEXT,
  error                 TEXT,
  duration_ms           INTEGER,
  tags                  TEXT NOT NULL,
  metadata              TEXT NOT NULL,
  context               TEXT
) STRICT;
CREATE UNIQUE INDEX events_org_id ON events(org_id, id);
CREATE UNIQUE INDEX events_org_seq ON events(org_id, seq);
CREATE INDEX events_org_ts ON events(org_id, ts, id);
-- id ends each index so that ORDER BY ts DESC, id DESC needs no sort and stops at LIMIT.
CREATE INDEX events_org_agent_ts ON events(org_id, agent, ts, id);
CREATE INDEX events_org_status_ts ON events(org_id, status, ts, id);
CREATE INDEX events_org_trace ON events(org_id, trace_id) WHERE trace_id IS NOT NULL;
CREATE INDEX events_org_conversation ON events(org_id, conversation_id, ts, id) WHERE conversation_id IS NOT NULL;

CREATE TABLE event_tags (
  org_id  TEXT NOT NULL,
  tag     TEXT NOT NULL,
  ts      INTEGER NOT NULL,
  event   INTEGER NOT NULL,
  PRIMARY KEY (org_id, tag, ts, event)
) STRICT, WITHOUT ROWID;

-- System prompts, stored once per org.
CREATE TABLE system_prompts (
  org_id      TEXT NOT NULL,
  sha256      TEXT NOT NULL,
  text        TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (org_id, sha256)
) STRICT, WITHOUT ROWID;

-- Full-text index over title, input, output and error; filled behind ingest by the indexer.
-- detail=none: the index keeps which events hold a word, not where; queries are AND of whole words.
CREATE VIRTUAL TABLE events_fts USING fts5(body, content='', contentless_delete=1, detail=none, tokenize='unicode61 remove_diacritics 2');

CREATE TABLE meta (
  key    TEXT PRIMARY KEY,
  value  INTEGER NOT NULL
) STRICT;
INSERT INTO meta(key, value) VALUES ('fts_indexed_rowid', 0), ('rollup_rowid', 0);

-- Rollups, filled behind ingest by the roller (sqlite-rollups.ts) up to meta.rollup_rowid.
-- grain: 'h' (hour) or 'd' (UTC day); bucket: its start. dim says which columns identify the row:
--   total: agent | model: value=model | service: value=service
--   agent_model: agent, value=model | agent_service: agent, value=service
-- Null dimensions are stored as ''.
CREATE TABLE rollups (
  org_id              TEXT NOT NULL,
  grain               TEXT NOT NULL,
  dim                 TEXT NOT NULL,
  bucket              INTEGER NOT NULL,
  environment         TEXT NOT NULL,
  agent               TEXT NOT NULL,
  value               TEXT NOT NULL,
  events              INTEGER NOT NULL,
  errors              INTEGER NOT NULL,
  pending             INTEGER NOT NULL,
  denied              INTEGER NOT NULL,
  duration_count      INTEGER NOT NULL,
  duration_sum        INTEGER NOT NULL,
  tokens_input        INTEGER NOT NULL,
  tokens_output       INTEGER NOT NULL,
  tokens_cache_read   INTEGER NOT NULL,
  tokens_cache_write  INTEGER NOT NULL,
  tokens_total        INTEGER NOT NULL,
  cost_micros         INTEGER NOT NULL,
  PRIMARY KEY (org_id, grain, dim, bucket, environment, agent, value)
) STRICT, WITHOUT ROWID;

-- Latency histograms (see latency-buckets.ts). dim: 'all' (agent '') or 'agent'.
CREATE TABLE latency_rollups (
  org_id       TEXT NOT NULL,
  grain        TEXT NOT NULL,
  dim          TEXT NOT NULL,
  bucket       INTEGER NOT NULL,
  environment  TEXT NOT NULL,
  agent        TEXT NOT NULL,
  latency      INTEGER NOT NULL,
  events       INTEGER NOT NULL,
  PRIMARY KEY (org_id, grain, dim, bucket, environment, agent, latency)
) STRICT, WITHOUT ROWID;

CREATE TABLE agents (
  org_id          TEXT NOT NULL,
  environment     TEXT NOT NULL,
  name            TEXT NOT NULL,
  status          TEXT NOT NULL DEFAULT 'active',
  first_seen      INTEGER NOT NULL,
  last_seen       INTEGER NOT NULL,
  events          INTEGER NOT NULL,
  errors          INTEGER NOT NULL,
  tokens_total    INTEGER NOT NULL,
  cost_micros     INTEGER NOT NULL,
  PRIMARY KEY (org_id, environment, name)
) STRICT, WITHOUT ROWID;

CREATE TABLE idempotency_keys (
  org_id        TEXT NOT NULL,
  key           TEXT NOT NULL,
  request_hash  TEXT NOT NULL,
  ids           TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  PRIMARY KEY (org_id, key)
) STRICT, WITHOUT ROWID;
CREATE INDEX idempotency_keys_created ON idempotency_keys(created_at);
