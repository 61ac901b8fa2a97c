import type Database from 'better-sqlite3'
import { conversationDeltas } from '../conversation-deltas.js'
import type { AppendItem } from '../store.js'

/** Conversation ids per recompute statement: bound as one JSON array. */
const CHUNK = 500

/** Conversations (`@org`, `@cids` a JSON array) whose rows a delete recomputes. */
const TOUCHED = 'org_id = @org AND conversation_id IN (SELECT value FROM json_each(@cids))'
const BACKS_SPAN = 'e.org_id = @org AND e.conversation_id = s.conversation_id'
const BACKS_ENV = `${BACKS_SPAN} AND e.environment = s.environment`

/**
 * Writes the conversation summary tables (migration 005_conversations.sql) inside the caller's
 * transaction: `add` after an append, `recompute` after a delete. Spans only grow on append, so an
 * append skips rows it does not change; a delete can only shrink a conversation, so it drops the
 * rows no remaining event backs and re-reads the span of the rest from the events' own index.
 */
export function createSqliteConversationSummary(db: Database.Database) {
  const grow = 'WHERE excluded.first_ts < first_ts OR excluded.last_ts > last_ts'
  const upsertSpan =
    db.prepare(`INSERT INTO conversation_spans (org_id, conversation_id, first_ts, last_ts)
    VALUES (@org_id, @conversation_id, @first_ts, @last_ts)
    ON CONFLICT DO UPDATE SET first_ts = min(first_ts, excluded.first_ts), last_ts = max(last_ts, excluded.last_ts) ${grow}`)
  const upsertEnvSpan =
    db.prepare(`INSERT INTO conversation_env_spans (org_id, conversation_id, environment, first_ts, last_ts)
    VALUES (@org_id, @conversation_id, @environment, @first_ts, @last_ts)
    ON CONFLICT DO UPDATE SET first_ts = min(first_ts, excluded.first_ts), last_ts = max(last_ts, excluded.last_ts) ${grow}`)
  const insertMember =
    db.prepare(`INSERT INTO conversation_members (org_id, dim, value, conversation_id, environment)
    VALUES (@org_id, @dim, @value, @conversation_id, @environment) ON CONFLICT DO NOTHING`)

  // min(ts) and max(ts) alone are each one seek in events_org_conversation (org_id, conversation_id, ts, id).
  const recompute = [
    `DELETE FROM conversation_spans AS s WHERE ${TOUCHED} AND NOT EXISTS (SELECT 1 FROM events e WHERE ${BACKS_SPAN})`,
    `UPDATE conversation_spans AS s SET first_ts = (SELECT min(ts) FROM events e WHERE ${BACKS_SPAN}),
      last_ts = (SELECT max(ts) FROM events e WHERE ${BACKS_SPAN}) WHERE ${TOUCHED}`,
    `DELETE FROM conversation_env_spans AS s WHERE ${TOUCHED} AND NOT EXISTS (SELECT 1 FROM events e WHERE ${BACKS_ENV})`,
    `UPDATE conversation_env_spans AS s SET first_ts = (SELECT min(ts) FROM events e WHERE ${BACKS_ENV}),
      last_ts = (SELECT max(ts) FROM events e WHERE ${BACKS_ENV}) WHERE ${TOUCHED}`,
    `DELETE FROM conversation_members AS s WHERE ${TOUCHED} AND NOT EXISTS (SELECT 1 FROM events e WHERE ${BACKS_ENV}
      AND (CASE s.dim WHEN 'agent' THEN e.agent WHEN 'model' THEN e.model END) = s.value)`,
  ].map((sql) => db.prepare(sql))

  return {
    /** Folds newly appended events (never duplicates) into the summary. */
    add(inserted: readonly AppendItem[]): void {
      const { spans, envSpans, members } = conversationDeltas(inserted)
      for (const span of spans) upsertSpan.run(span)
      for (const span of envSpans) upsertEnvSpan.run(span)
      for (const member of members) insertMember.run(member)
    },
    /** Makes the rows of these conversations match the org's remaining events. */
    recompute(orgId: string, conversationIds: Iterable<string>): void {
      const ids = [...conversationIds]
      for (let i = 0; i < ids.length; i += CHUNK) {
        const params = { org: orgId, cids: JSON.stringify(ids.slice(i, i + CHUNK)) }
        for (const statement of recompute) statement.run(params)
      }
    },
  }
}
