-- PostgreSQL twin of the embedded 009_evaluations.sql: scores given to recorded events
-- (docs/evaluations.md). The event's environment and agent are copied on when an evaluation is
-- made, so that filters and statistics never join the events. An event's evaluations are deleted
-- with it, in the same statement (postgres-delete.ts). org_id leads every key (Citus).
CREATE TABLE evaluations (
  org_id        text NOT NULL,
  id            text NOT NULL,
  event_id      text NOT NULL,
  environment   text NOT NULL,
  agent         text,
  score         integer NOT NULL CHECK (score BETWEEN 0 AND 100),
  label         text,
  feedback      text,
  evaluated_by  text,
  created_at    bigint NOT NULL,
  PRIMARY KEY (org_id, id)
);
-- id ends the time-ordered indexes so that ORDER BY created_at DESC, id DESC stops at LIMIT.
CREATE INDEX evaluations_org_created ON evaluations(org_id, created_at, id);
CREATE INDEX evaluations_org_event ON evaluations(org_id, event_id, created_at, id);
CREATE INDEX evaluations_org_agent ON evaluations(org_id, agent, created_at, id);
CREATE INDEX evaluations_org_label ON evaluations(org_id, label, created_at, id) WHERE label IS NOT NULL;
