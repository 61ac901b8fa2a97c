-- Alerts with a lifecycle (packages/server/src/alerts/): the rules, the series they watch that are
-- not ok, and each alert's state and history. Alerts raised by the control plane (kills, budgets,
-- violations) have no rule and stay `firing` until acknowledged.
ALTER TABLE alerts ADD COLUMN state text NOT NULL DEFAULT 'firing';
ALTER TABLE alerts ADD COLUMN rule_id text;
ALTER TABLE alerts ADD COLUMN series text;
ALTER TABLE alerts ADD COLUMN history text NOT NULL DEFAULT '[]';
ALTER TABLE alerts ADD COLUMN updated_at bigint;
ALTER TABLE alerts ADD COLUMN resolved_at bigint;

-- config: the rule's fields beyond these columns, as JSON (alert-rows.ts).
CREATE TABLE alert_rules (
  org_id      text NOT NULL,
  id          text NOT NULL,
  type        text NOT NULL,
  builtin     boolean NOT NULL,
  name        text NOT NULL,
  enabled     boolean NOT NULL,
  metric      text NOT NULL,
  config      text NOT NULL,
  created_at  bigint NOT NULL,
  updated_at  bigint NOT NULL,
  PRIMARY KEY (org_id, id)
);

-- One row per series that is not ok (pending, firing, recovering); body is its SeriesState as JSON.
CREATE TABLE alert_series (
  org_id   text NOT NULL,
  rule_id  text NOT NULL,
  series   text NOT NULL,
  step     integer NOT NULL,
  body     text NOT NULL,
  PRIMARY KEY (org_id, rule_id, series)
);
