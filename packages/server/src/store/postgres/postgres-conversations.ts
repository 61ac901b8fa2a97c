import type pg from 'pg'
import type { Event } from '@agenttrail/protocol'
import type {
  ConversationFilter,
  ConversationPage,
  ConversationPageRequest,
  ConversationStore,
  TimelinePage,
  TimelineRequest,
} from '../conversation-store.js'
import type { ConversationRow, TimelineRow } from '../conversation-rows.js'
import { TIMELINE_COLUMNS, rowToConversation, rowToTimelineEvent } from '../conversation-rows.js'
import type { EventRow } from '../event-row.js'
import { rowToEvent } from '../event-row.js'
import { pageOf } from '../page-of.js'
import { createPostgresConversationPage } from './postgres-conversation-page.js'
import { SELECT_EVENT } from './postgres-query.js'

/** Numbered parameters from names, so optional filters can come and go. */
function binder() {
  const values: unknown[] = []
  const names = new Map<string, string>()
  return {
    values,
    bind(name: string, value: unknown): string {
      let ref = names.get(name)
      if (!ref) {
        values.push(value)
        names.set(name, (ref = `$${values.length}`))
      }
      return ref
    },
  }
}

/**
 * Conversations on PostgreSQL: the same two steps as the embedded store. One page of conversation
 * ids and spans comes from the summary tables (postgres-conversation-page.ts), then only those
 * conversations are aggregated. JSON columns are text: they are read as `json`
 * (which, unlike `jsonb`, accepts every escape a client may have sent) and values leave as JSON text.
 * Conversation ids sort by their bytes (`COLLATE "C"`), as on SQLite, so both stores page alike.
 */
export function createPostgresConversations(pool: pg.Pool): ConversationStore {
  const timelineColumns = `${TIMELINE_COLUMNS.map((c) => `"${c}"`).join(', ')}, messages IS NOT NULL AS has_messages, thinking IS NOT NULL AS has_thinking`
  const pages = createPostgresConversationPage(pool)

  return {
    async list(
      orgId: string,
      filter: ConversationFilter,
      page: ConversationPageRequest,
    ): Promise<ConversationPage> {
      const { values, bind } = binder()
      const org = bind('org', orgId)
      const env = (alias: string) =>
        filter.environment === undefined
          ? ''
          : ` AND ${alias}environment = ${bind('env', filter.environment)}`
      const pageSql = await pages.sql(orgId, filter, page.after, page.limit, bind)
      const cid = 'cid COLLATE "C"'
      const first = (column: string, where: string) =>
        `(SELECT ${column} FROM events f WHERE f.org_id = ${org} AND f.conversation_id = p.cid AND ${where}${env('f.')} ORDER BY f.ts, f.seq LIMIT 1)`
      const { rows } = await pool.query<ConversationRow>(
        `WITH page AS (${pageSql})
        SELECT p.cid, p.first_ts, p.last_ts, max(e.ts + coalesce(e.duration_ms, 0)) AS end_ts, count(*) AS events,
          count(*) FILTER (WHERE e.kind = 'llm_call') AS llm_calls, count(*) FILTER (WHERE e.kind = 'tool_call') AS tool_calls,
          count(*) FILTER (WHERE e.kind = 'http_call') AS http_calls, count(*) FILTER (WHERE e.status = 'error') AS errors,
          coalesce(sum(e.tokens_input), 0) AS tokens_input, coalesce(sum(e.tokens_output), 0) AS tokens_output,
          coalesce(sum(e.tokens_cache_read), 0) AS tokens_cache_read, coalesce(sum(e.tokens_cache_write), 0) AS tokens_cache_write,
          coalesce(sum(e.tokens_total), 0) AS tokens_total, coalesce(sum(e.cost_micros), 0) AS cost_micros,
          array_agg(DISTINCT e.model) FILTER (WHERE e.model IS NOT NULL) AS models,
          array_agg(DISTINCT e.agent) FILTER (WHERE e.agent IS NOT NULL) AS agents,
          ${first('f.agent', 'f.agent IS NOT NULL')} AS agent,
          ${first('f.environment', 'true')} AS environment,
          ${first("(f.metadata::json -> 'subject')::text", "json_typeof(f.metadata::json -> 'subject') = 'string'")} AS subject_meta,
          ${first('f.title', 'f.title IS NOT NULL')} AS first_title,
          (SELECT (m.value -> 'content')::text FROM events f
            CROSS JOIN LATERAL json_array_elements(CASE WHEN json_typeof(f.messages::json) = 'array' THEN f.messages::json ELSE '[]'::json END)
              WITH ORDINALITY AS m(value, idx)
            WHERE f.org_id = ${org} AND f.conversation_id = p.cid AND f.messages IS NOT NULL${env('f.')}
            AND (m.value -> 'role')::text = '"user"'
            ORDER BY f.ts, f.seq, m.idx LIMIT 1) AS first_user
        FROM page p JOIN events e ON e.org_id = ${org} AND e.conversation_id = p.cid${env('e.')}
        GROUP BY p.cid, p.first_ts, p.last_ts
        ORDER BY p.last_ts DESC, p.${cid} DESC`,
        values,
      )
      return pageOf(rows, page.limit, rowToConversation, (last) => ({
        lastTs: Number(last.last_ts),
        id: last.cid,
      }))
    },

    async timeline(
      orgId: string,
      conversationId: string,
      request: TimelineRequest,
    ): Promise<TimelinePage | undefined> {
      const found = await pool.query<{ last: string | null }>(
        'SELECT max(seq) AS last FROM events WHERE org_id = $1 AND conversation_id = $2',
        [orgId, conversationId],
      )
      const last = found.rows[0]?.last
      if (last === null || last === undefined) return undefined
      const since = request.since ?? 0
      const upTo = request.upTo ?? Math.max(Number(last), since)
      const values: unknown[] = [orgId, conversationId, since, upTo, request.limit + 1]
      if (request.after) values.push(request.after.ts, request.after.seq)
      const { rows } = await pool.query<TimelineRow>(
        `SELECT ${timelineColumns} FROM events WHERE org_id = $1 AND conversation_id = $2 AND seq > $3 AND seq <= $4
         ${request.after ? 'AND (ts > $6 OR (ts = $6 AND seq > $7))' : ''}
         ORDER BY ts, seq LIMIT $5`,
        values,
      )
      const { items, next } = pageOf(rows, request.limit, rowToTimelineEvent, (end) => ({
        ts: Number(end.ts),
        seq: Number(end.seq),
      }))
      return next ? { items, lastSeq: upTo, next } : { items, lastSeq: upTo }
    },

    async toolResults(
      orgId: string,
      conversationId: string,
      toolCallIds: readonly string[],
    ): Promise<Event[]> {
      if (toolCallIds.length === 0) return []
      // `-> ... ::text` keeps the JSON text, compared with each id as JSON, so no escape is ever decoded.
      const { rows } = await pool.query<EventRow>(
        `${SELECT_EVENT} WHERE e.org_id = $1 AND e.conversation_id = $2 AND e.kind = 'tool_call'
         AND ((e.metadata::json -> 'tool_call_id')::text = ANY($3::text[]) OR e.span_id = ANY($4::text[]))
         ORDER BY e.ts, e.seq`,
        [orgId, conversationId, toolCallIds.map((id) => JSON.stringify(id)), toolCallIds],
      )
      return rows.map(rowToEvent)
    },

    async systemPrompt(orgId: string, sha256: string): Promise<string | undefined> {
      const { rows } = await pool.query<{ text: string }>(
        'SELECT text FROM system_prompts WHERE org_id = $1 AND sha256 = $2',
        [orgId, sha256],
      )
      return rows[0]?.text
    },
  }
}
