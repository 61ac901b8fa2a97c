-- PostgreSQL twin of the embedded 006_control.sql. The control plane (docs/control.md): policies, budgets and their counters, rate windows,
-- approvals, permits and alerts. Every change to what decides moves orgs.control_version on.

ALTER TABLE events ADD COLUMN control text;
ALTER TABLE orgs ADD COLUMN control_version bigint NOT NULL DEFAULT 0;

CREATE TABLE policies (
  org_id       text NOT NULL,
  id           text NOT NULL,
  name         text,
  agent_name   text,
  environment  text,
  rule_type    text NOT NULL,
  rule_config  text NOT NULL,
  enabled      boolean NOT NULL,
  priority     bigint NOT NULL,
  created_at   bigint NOT NULL,
  updated_at   bigint NOT NULL,
  PRIMARY KEY (org_id, id)
);

-- agent_name '' is the org-wide budget of the environment.
CREATE TABLE budgets (
  org_id           text NOT NULL,
  id               text NOT NULL,
  environment      text NOT NULL,
  agent_name       text NOT NULL,
  period           text NOT NULL,
  max_actions      bigint,
  max_cost_cents   double precision,
  created_at       bigint NOT NULL,
  updated_at       bigint NOT NULL,
  PRIMARY KEY (org_id, id)
);
CREATE UNIQUE INDEX budgets_scope ON budgets(org_id, environment, agent_name, period);

-- One row per budget and period: a new period starts a new row, so nothing resets counters.
CREATE TABLE budget_usage (
  org_id        text NOT NULL,
  budget_id     text NOT NULL,
  period_start  bigint NOT NULL,
  actions       bigint NOT NULL,
  cost_micros   bigint NOT NULL,
  warned        bigint NOT NULL DEFAULT 0,
  exceeded      bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (org_id, budget_id, period_start)
);

-- The actions a rate_limit policy counted, per agent: a sliding window, exact.
CREATE TABLE rate_hits (
  id           bigserial PRIMARY KEY,
  org_id       text NOT NULL,
  policy_id    text NOT NULL,
  environment  text NOT NULL,
  agent        text NOT NULL,
  ts           bigint NOT NULL
);
CREATE INDEX rate_hits_window ON rate_hits(org_id, policy_id, environment, agent, ts);

CREATE TABLE approvals (
  org_id           text NOT NULL,
  id               text NOT NULL,
  environment      text NOT NULL,
  agent            text NOT NULL,
  service          text NOT NULL,
  action           text NOT NULL,
  input_hash       text NOT NULL,
  input            text,
  cost_micros      bigint,
  policy_id        text,
  status           text NOT NULL,
  requested_at     bigint NOT NULL,
  expires_at       bigint NOT NULL,
  requested_by     text,
  decided_at       bigint,
  decided_by       text,
  decided_by_name  text,
  note             text,
  used_at          bigint,
  event_id         text,
  PRIMARY KEY (org_id, id)
);
CREATE INDEX approvals_action ON approvals(org_id, environment, agent, service, action, input_hash, status);
CREATE INDEX approvals_requested ON approvals(org_id, requested_at);

-- What an allowed check reserved, until the action's own record settles it.
CREATE TABLE permits (
  org_id           text NOT NULL,
  id               text NOT NULL,
  environment      text NOT NULL,
  agent            text NOT NULL,
  service          text NOT NULL,
  action           text NOT NULL,
  reserved_micros  bigint NOT NULL,
  created_at       bigint NOT NULL,
  expires_at       bigint NOT NULL,
  PRIMARY KEY (org_id, id)
);
CREATE INDEX permits_action ON permits(org_id, environment, agent, service, action, created_at);
-- The hourly purge removes expired permits by this index.
CREATE INDEX permits_expiry ON permits(expires_at);

CREATE TABLE alerts (
  org_id           text NOT NULL,
  id               text NOT NULL,
  environment      text NOT NULL,
  agent_name       text,
  alert_type       text NOT NULL,
  severity         text NOT NULL,
  message          text NOT NULL,
  metadata         text NOT NULL,
  acknowledged_at  bigint,
  created_at       bigint NOT NULL,
  PRIMARY KEY (org_id, id)
);
CREATE INDEX alerts_created ON alerts(org_id, created_at);
