-- What the conversation list pages over (sqlite-conversation-page.ts), so that a page costs its own
-- size and not the org's history. Kept exact in the append transaction (sqlite-append.ts) and by
-- deletes (sqlite-delete.ts), which recompute the conversations they touched from what remains.

-- Each conversation's span over all its events: the unfiltered list walks conversation_spans_org_last
-- backwards (newest activity first) and stops after one page. first_ts is in the index for `to`.
CREATE TABLE conversation_spans (
  org_id           TEXT NOT NULL,
  conversation_id  TEXT NOT NULL,
  first_ts         INTEGER NOT NULL,
  last_ts          INTEGER NOT NULL,
  PRIMARY KEY (org_id, conversation_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX conversation_spans_org_last ON conversation_spans(org_id, last_ts, conversation_id, first_ts);

-- The same span over one environment's events only: with `environment` the list's order, `from`
-- and `to` read the environment's own events, as the aggregates do.
CREATE TABLE conversation_env_spans (
  org_id           TEXT NOT NULL,
  conversation_id  TEXT NOT NULL,
  environment      TEXT NOT NULL,
  first_ts         INTEGER NOT NULL,
  last_ts          INTEGER NOT NULL,
  PRIMARY KEY (org_id, conversation_id, environment)
) STRICT, WITHOUT ROWID;
CREATE INDEX conversation_env_spans_org_last ON conversation_env_spans(org_id, environment, last_ts, conversation_id, first_ts);

-- Which agents and models (dim 'agent' or 'model') appear in which conversation, per environment:
-- one seek answers "did this agent record an event in this conversation" however long it is, and a
-- rare value lists its few conversations directly. The second index serves deletes.
CREATE TABLE conversation_members (
  org_id           TEXT NOT NULL,
  dim              TEXT NOT NULL,
  value            TEXT NOT NULL,
  conversation_id  TEXT NOT NULL,
  environment      TEXT NOT NULL,
  PRIMARY KEY (org_id, dim, value, conversation_id, environment)
) STRICT, WITHOUT ROWID;
CREATE INDEX conversation_members_conversation ON conversation_members(org_id, conversation_id);

-- An existing database gets them from the events it holds (one pass over the conversation index).
INSERT INTO conversation_spans (org_id, conversation_id, first_ts, last_ts)
  SELECT org_id, conversation_id, min(ts), max(ts) FROM events WHERE conversation_id IS NOT NULL GROUP BY 1, 2;
INSERT INTO conversation_env_spans (org_id, conversation_id, environment, first_ts, last_ts)
  SELECT org_id, conversation_id, environment, min(ts), max(ts) FROM events WHERE conversation_id IS NOT NULL GROUP BY 1, 2, 3;
INSERT INTO conversation_members (org_id, dim, value, conversation_id, environment)
  SELECT DISTINCT org_id, 'agent', agent, conversation_id, environment FROM events WHERE conversation_id IS NOT NULL AND agent IS NOT NULL
  UNION
  SELECT DISTINCT org_id, 'model', model, conversation_id, environment FROM events WHERE conversation_id IS NOT NULL AND model IS NOT NULL;
