-- Alerts with a lifecycle (packages/server/src/alerts/): the rules, the series they watch that are
-- not ok, and each alert's state and history. Alerts raised by the control plane (kills, budgets,
-- violations) have no rule and stay `firing` until acknowledged.
ALTER TABLE alerts ADD COLUMN state TEXT NOT NULL DEFAULT 'firing';
ALTER TABLE alerts ADD COLUMN rule_id TEXT;
ALTER TABLE alerts ADD COLUMN series TEXT;
ALTER TABLE alerts ADD COLUMN history TEXT NOT NULL DEFAULT '[]';
ALTER TABLE alerts ADD COLUMN updated_at INTEGER;
ALTER TABLE alerts ADD COLUMN resolved_at INTEGER;

-- config: the rule's fields beyond these columns, as JSON (alert-rows.ts).
CREATE TABLE alert_rules (
  org_id      TEXT NOT NULL,
  id          TEXT NOT NULL,
  type        TEXT NOT NULL,
  builtin     INTEGER NOT NULL,
  name        TEXT NOT NULL,
  enabled     INTEGER NOT NULL,
  metric      TEXT NOT NULL,
  config      TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  PRIMARY KEY (org_id, id)
) STRICT, WITHOUT ROWID;

-- One row per series that is not ok (pending, firing, recovering); body is its SeriesState as JSON.
CREATE TABLE alert_series (
  org_id   TEXT NOT NULL,
  rule_id  TEXT NOT NULL,
  series   TEXT NOT NULL,
  step     INTEGER NOT NULL,
  body     TEXT NOT NULL,
  PRIMARY KEY (org_id, rule_id, series)
) STRICT, WITHOUT ROWID;
