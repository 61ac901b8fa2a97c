-- The control plane (docs/control.md): policies, budgets and their counters, rate windows,
-- approvals, permits and alerts. Every change to what decides moves orgs.control_version on.

ALTER TABLE events ADD COLUMN control TEXT;
ALTER TABLE orgs ADD COLUMN control_version INTEGER NOT NULL DEFAULT 0;

CREATE TABLE policies (
  org_id       TEXT NOT NULL,
  id           TEXT NOT NULL,
  name         TEXT,
  agent_name   TEXT,
  environment  TEXT,
  rule_type    TEXT NOT NULL,
  rule_config  TEXT NOT NULL,
  enabled      INTEGER NOT NULL,
  priority     INTEGER NOT NULL,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL,
  PRIMARY KEY (org_id, id)
) STRICT, WITHOUT ROWID;

-- agent_name '' is the org-wide budget of the environment.
CREATE TABLE budgets (
  org_id           TEXT NOT NULL,
  id               TEXT NOT NULL,
  environment      TEXT NOT NULL,
  agent_name       TEXT NOT NULL,
  period           TEXT NOT NULL,
  max_actions      INTEGER,
  max_cost_cents   REAL,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  PRIMARY KEY (org_id, id)
) STRICT, WITHOUT ROWID;
CREATE UNIQUE INDEX budgets_scope ON budgets(org_id, environment, agent_name, period);

-- One row per budget and period: a new period starts a new row, so nothing resets counters.
CREATE TABLE budget_usage (
  org_id        TEXT NOT NULL,
  budget_id     TEXT NOT NULL,
  period_start  INTEGER NOT NULL,
  actions       INTEGER NOT NULL,
  cost_micros   INTEGER NOT NULL,
  warned        INTEGER NOT NULL DEFAULT 0,
  exceeded      INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (org_id, budget_id, period_start)
) STRICT, WITHOUT ROWID;

-- The actions a rate_limit policy counted, per agent: a sliding window, exact.
CREATE TABLE rate_hits (
  org_id       TEXT NOT NULL,
  policy_id    TEXT NOT NULL,
  environment  TEXT NOT NULL,
  agent        TEXT NOT NULL,
  ts           INTEGER NOT NULL
) STRICT;
CREATE INDEX rate_hits_window ON rate_hits(org_id, policy_id, environment, agent, ts);

CREATE TABLE approvals (
  org_id           TEXT NOT NULL,
  id               TEXT NOT NULL,
  environment      TEXT NOT NULL,
  agent            TEXT NOT NULL,
  service          TEXT NOT NULL,
  action           TEXT NOT NULL,
  input_hash       TEXT NOT NULL,
  input            TEXT,
  cost_micros      INTEGER,
  policy_id        TEXT,
  status           TEXT NOT NULL,
  requested_at     INTEGER NOT NULL,
  expires_at       INTEGER NOT NULL,
  requested_by     TEXT,
  decided_at       INTEGER,
  decided_by       TEXT,
  decided_by_name  TEXT,
  note             TEXT,
  used_at          INTEGER,
  event_id         TEXT,
  PRIMARY KEY (org_id, id)
) STRICT, WITHOUT ROWID;
CREATE INDEX approvals_action ON approvals(org_id, environment, agent, service, action, input_hash, status);
CREATE INDEX approvals_requested ON approvals(org_id, requested_at);

-- What an allowed check reserved, until the action's own record settles it.
CREATE TABLE permits (
  org_id           TEXT NOT NULL,
  id               TEXT NOT NULL,
  environment      TEXT NOT NULL,
  agent            TEXT NOT NULL,
  service          TEXT NOT NULL,
  action           TEXT NOT NULL,
  reserved_micros  INTEGER NOT NULL,
  created_at       INTEGER NOT NULL,
  expires_at       INTEGER NOT NULL,
  PRIMARY KEY (org_id, id)
) STRICT, WITHOUT ROWID;
CREATE INDEX permits_action ON permits(org_id, environment, agent, service, action, created_at);
-- The hourly purge removes expired permits by this index.
CREATE INDEX permits_expiry ON permits(expires_at);

CREATE TABLE alerts (
  org_id           TEXT NOT NULL,
  id               TEXT NOT NULL,
  environment      TEXT NOT NULL,
  agent_name       TEXT,
  alert_type       TEXT NOT NULL,
  severity         TEXT NOT NULL,
  message          TEXT NOT NULL,
  metadata         TEXT NOT NULL,
  acknowledged_at  INTEGER,
  created_at       INTEGER NOT NULL,
  PRIMARY KEY (org_id, id)
) STRICT, WITHOUT ROWID;
CREATE INDEX alerts_created ON alerts(org_id, created_at);
