import type pg from 'pg'

/** The events one append added: org $1, seq in [$2, $3) (see postgres-append.ts). */
const NEW_EVENTS =
  'FROM events WHERE org_id = $1 AND seq >= $2 AND seq < $3 AND conversation_id IS NOT NULL'
const span = (table: string) =>
  `first_ts = least(${table}.first_ts, EXCLUDED.first_ts), last_ts = greatest(${table}.last_ts, EXCLUDED.last_ts)
  WHERE EXCLUDED.first_ts < ${table}.first_ts OR EXCLUDED.last_ts > ${table}.last_ts`

/**
 * What an append adds to the conversation summary tables (migration 006_conversations.sql), as
 * statements for the append's one derive statement. Spans only grow on append, so rows the batch
 * does not widen are left alone.
 */
export const CONVERSATION_DERIVED = [
  `INSERT INTO conversation_spans (org_id, conversation_id, first_ts, last_ts)
    SELECT org_id, conversation_id, min(ts), max(ts) ${NEW_EVENTS} GROUP BY 1, 2
    ON CONFLICT (org_id, conversation_id) DO UPDATE SET ${span('conversation_spans')}`,
  `INSERT INTO conversation_env_spans (org_id, conversation_id, environment, first_ts, last_ts)
    SELECT org_id, conversation_id, environment, min(ts), max(ts) ${NEW_EVENTS} GROUP BY 1, 2, 3
    ON CONFLICT (org_id, conversation_id, environment) DO UPDATE SET ${span('conversation_env_spans')}`,
  `INSERT INTO conversation_members (org_id, dim, value, conversation_id, environment)
    SELECT DISTINCT org_id, d.dim, d.value, conversation_id, environment
    FROM events CROSS JOIN LATERAL (VALUES ('agent', agent), ('model', model)) AS d(dim, value)
    WHERE org_id = $1 AND seq >= $2 AND seq < $3 AND conversation_id IS NOT NULL AND d.value IS NOT NULL
    ON CONFLICT DO NOTHING`,
]

/** The touched conversations of org $1 ($2, an array of ids). */
const TOUCHED = 't.org_id = $1 AND t.conversation_id = ANY($2::text[])'

/**
 * One statement: the touched conversations' rows made to match the remaining events. A delete can
 * only shrink a conversation, so rows that no remaining event backs go, and the others take the
 * span of what remains (`remaining`, read once). Updates and deletes of one table touch disjoint rows.
 */
const RECOMPUTE = `WITH remaining AS (
    SELECT conversation_id, environment, min(ts) AS first_ts, max(ts) AS last_ts FROM events
    WHERE org_id = $1 AND conversation_id = ANY($2::text[]) GROUP BY 1, 2),
  spans AS (UPDATE conversation_spans t SET first_ts = r.first_ts, last_ts = r.last_ts
    FROM (SELECT conversation_id, min(first_ts) AS first_ts, max(last_ts) AS last_ts FROM remaining GROUP BY 1) r
    WHERE t.org_id = $1 AND t.conversation_id = r.conversation_id RETURNING 1),
  no_spans AS (DELETE FROM conversation_spans t WHERE ${TOUCHED}
    AND NOT EXISTS (SELECT 1 FROM remaining r WHERE r.conversation_id = t.conversation_id) RETURNING 1),
  env_spans AS (UPDATE conversation_env_spans t SET first_ts = r.first_ts, last_ts = r.last_ts FROM remaining r
    WHERE t.org_id = $1 AND t.conversation_id = r.conversation_id AND t.environment = r.environment RETURNING 1),
  no_env_spans AS (DELETE FROM conversation_env_spans t WHERE ${TOUCHED}
    AND NOT EXISTS (SELECT 1 FROM remaining r WHERE r.conversation_id = t.conversation_id AND r.environment = t.environment) RETURNING 1),
  no_members AS (DELETE FROM conversation_members t WHERE ${TOUCHED}
    AND NOT EXISTS (SELECT 1 FROM events e WHERE e.org_id = $1 AND e.conversation_id = t.conversation_id
      AND e.environment = t.environment AND (CASE t.dim WHEN 'agent' THEN e.agent WHEN 'model' THEN e.model END) = t.value) RETURNING 1)
  SELECT (SELECT count(*) FROM spans) + (SELECT count(*) FROM no_spans) + (SELECT count(*) FROM env_spans)
    + (SELECT count(*) FROM no_env_spans) + (SELECT count(*) FROM no_members) AS rows`

/**
 * After a delete, in its transaction (and after its statement, so that the deleted rows are gone):
 * makes the summary rows of these conversations match the org's remaining events.
 */
export async function recomputeConversations(
  client: pg.PoolClient,
  orgId: string,
  conversationIds: readonly string[],
): Promise<void> {
  if (conversationIds.length > 0) await client.query(RECOMPUTE, [orgId, conversationIds])
}
