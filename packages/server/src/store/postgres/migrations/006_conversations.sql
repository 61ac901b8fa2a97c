-- What the conversation list pages over (postgres-conversation-page.ts), so that a page costs its
-- own size and not the org's history. Kept exact in the append transaction (postgres-append.ts)
-- and by deletes (postgres-delete.ts), which recompute the conversations they touched from what
-- remains. Conversation ids page by their bytes (COLLATE "C"), as on SQLite: the order indexes say so.

-- Each conversation's span over all its events: the unfiltered list walks conversation_spans_org_last
-- backwards (newest activity first) and stops after one page. first_ts rides along for `to`. The
-- primary keys carry the span too, so that a lookup by id is index-only like the walk, and the
-- planner never prefers the walk's index for it (as it does while the table has no statistics).
CREATE TABLE conversation_spans (
  org_id           text NOT NULL,
  conversation_id  text NOT NULL,
  first_ts         bigint NOT NULL,
  last_ts          bigint NOT NULL,
  PRIMARY KEY (org_id, conversation_id) INCLUDE (first_ts, last_ts)
);
CREATE INDEX conversation_spans_org_last ON conversation_spans(org_id, last_ts, conversation_id COLLATE "C") INCLUDE (first_ts);

-- The same span over one environment's events only: with `environment` the list's order, `from`
-- and `to` read the environment's own events, as the aggregates do.
CREATE TABLE conversation_env_spans (
  org_id           text NOT NULL,
  conversation_id  text NOT NULL,
  environment      text NOT NULL,
  first_ts         bigint NOT NULL,
  last_ts          bigint NOT NULL,
  PRIMARY KEY (org_id, conversation_id, environment) INCLUDE (first_ts, last_ts)
);
CREATE INDEX conversation_env_spans_org_last
  ON conversation_env_spans(org_id, environment, last_ts, conversation_id COLLATE "C") INCLUDE (first_ts);

-- Which agents and models (dim 'agent' or 'model') appear in which conversation, per environment:
-- one seek answers "did this agent record an event in this conversation" however long it is, and a
-- rare value lists its few conversations directly. The second index serves deletes.
CREATE TABLE conversation_members (
  org_id           text NOT NULL,
  dim              text NOT NULL,
  value            text NOT NULL,
  conversation_id  text NOT NULL,
  environment      text NOT NULL,
  PRIMARY KEY (org_id, dim, value, conversation_id, environment)
);
CREATE INDEX conversation_members_conversation ON conversation_members(org_id, conversation_id);

-- An existing database gets them from the events it holds. Events appended meanwhile by servers
-- still running the previous version are not in them: upgrade every server before relying on the list.
INSERT INTO conversation_spans (org_id, conversation_id, first_ts, last_ts)
  SELECT org_id, conversation_id, min(ts), max(ts) FROM events WHERE conversation_id IS NOT NULL GROUP BY 1, 2;
INSERT INTO conversation_env_spans (org_id, conversation_id, environment, first_ts, last_ts)
  SELECT org_id, conversation_id, environment, min(ts), max(ts) FROM events WHERE conversation_id IS NOT NULL GROUP BY 1, 2, 3;
INSERT INTO conversation_members (org_id, dim, value, conversation_id, environment)
  SELECT org_id, 'agent', agent, conversation_id, environment FROM events WHERE conversation_id IS NOT NULL AND agent IS NOT NULL
  UNION
  SELECT org_id, 'model', model, conversation_id, environment FROM events WHERE conversation_id IS NOT NULL AND model IS NOT NULL;

-- Statistics now rather than at autovacuum's next pass: the planner reads them for every page.
ANALYZE conversation_spans, conversation_env_spans, conversation_members;
