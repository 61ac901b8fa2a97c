-- Scores given to recorded events (docs/evaluations.md). The event's environment and agent are
-- copied on when an evaluation is made, so that filters and statistics never join the events. An
-- event's evaluations are deleted with it (sqlite-delete.ts). A rowid table, as feedback can be long.
CREATE TABLE evaluations (
  org_id        TEXT NOT NULL,
  id            TEXT NOT NULL,
  event_id      TEXT NOT NULL,
  environment   TEXT NOT NULL,
  agent         TEXT,
  score         INTEGER NOT NULL CHECK (score BETWEEN 0 AND 100),
  label         TEXT,
  feedback      TEXT,
  evaluated_by  TEXT,
  created_at    INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX evaluations_org_id ON evaluations(org_id, id);
-- id ends the time-ordered indexes so that ORDER BY created_at DESC, id DESC stops at LIMIT.
CREATE INDEX evaluations_org_created ON evaluations(org_id, created_at, id);
CREATE INDEX evaluations_org_event ON evaluations(org_id, event_id, created_at, id);
CREATE INDEX evaluations_org_agent ON evaluations(org_id, agent, created_at, id);
CREATE INDEX evaluations_org_label ON evaluations(org_id, label, created_at, id) WHERE label IS NOT NULL;
