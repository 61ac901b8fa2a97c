import type { Event } from '@agenttrail/protocol'
import type Database from 'better-sqlite3'
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
import { createSqliteConversationPage } from './sqlite-conversation-page.js'

type Params = Record<string, unknown>

/**
 * Conversations on the embedded store. The list first finds one page of conversation ids with
 * their time span from the summary tables (sqlite-conversation-page.ts), then aggregates only
 * those conversations' events, so a page costs the same however many conversations lie behind it.
 * The planner is told the plan where it would pick worse: `CROSS JOIN` keeps the page as the outer
 * loop (one index seek per conversation), and `INDEXED BY` keeps a timeline on its conversation
 * rather than on `events_org_seq`, which `seq > since` and `max(seq)` would otherwise walk for the
 * whole org.
 */
export function createSqliteConversations(db: Database.Database): ConversationStore {
  const lastSeq = db.prepare<[string, string], { last: number | null }>(
    'SELECT max(seq) AS last FROM events INDEXED BY events_org_conversation WHERE org_id = ? AND conversation_id = ?',
  )
  const prompt = db.prepare<[string, string], { text: string }>(
    'SELECT text FROM system_prompts WHERE org_id = ? AND sha256 = ?',
  )
  const timelineColumns = `${TIMELINE_COLUMNS.map((c) => `"${c}"`).join(', ')}, messages IS NOT NULL AS has_messages, thinking IS NOT NULL AS has_thinking`
  const pages = createSqliteConversationPage(db)
  // A handful of shapes (which filters are set, which one drives): each is compiled once.
  const compiled = new Map<string, Database.Statement<[Params], ConversationRow>>()

  function listSql(pageSql: string, filter: ConversationFilter): string {
    const env = (alias: string) =>
      filter.environment === undefined ? '' : ` AND ${alias}environment = @env`
    const first = (column: string, where: string) =>
      `(SELECT ${column} FROM events f WHERE f.org_id = @org AND f.conversation_id = p.cid AND ${where}${env('f.')} ORDER BY f.ts, f.seq LIMIT 1)`
    return `WITH page AS (${pageSql})
      SELECT p.cid, p.first_ts, p.last_ts, max(e.ts + coalesce(e.duration_ms, 0)) AS end_ts, count(*) AS events,
        count(*) FILTER (WHERE e.kind = 'llm_call') AS llm_calls, count(*) FILTER (WHERE e.kind = 'tool_call') AS tool_calls,
        count(*) FILTER (WHERE e.kind = 'http_call') AS http_calls, count(*) FILTER (WHERE e.status = 'error') AS errors,
        coalesce(sum(e.tokens_input), 0) AS tokens_input, coalesce(sum(e.tokens_output), 0) AS tokens_output,
        coalesce(sum(e.tokens_cache_read), 0) AS tokens_cache_read, coalesce(sum(e.tokens_cache_write), 0) AS tokens_cache_write,
        coalesce(sum(e.tokens_total), 0) AS tokens_total, coalesce(sum(e.cost_micros), 0) AS cost_micros,
        json_group_array(DISTINCT e.model) FILTER (WHERE e.model IS NOT NULL) AS models,
        json_group_array(DISTINCT e.agent) FILTER (WHERE e.agent IS NOT NULL) AS agents,
        ${first('f.agent', 'f.agent IS NOT NULL')} AS agent,
        ${first('f.environment', '1')} AS environment,
        ${first("f.metadata -> '$.subject'", "json_type(f.metadata, '$.subject') = 'text'")} AS subject_meta,
        ${first('f.title', 'f.title IS NOT NULL')} AS first_title,
        (SELECT CASE WHEN m.type = 'object' THEN m.value -> '$.content' END FROM events f, json_each(f.messages) m
          WHERE f.org_id = @org AND f.conversation_id = p.cid AND f.messages IS NOT NULL AND json_type(f.messages) = 'array'${env('f.')}
          AND (CASE WHEN m.type = 'object' THEN json_extract(m.value, '$.role') END) = 'user'
          ORDER BY f.ts, f.seq, m.key LIMIT 1) AS first_user
      FROM page p CROSS JOIN events e ON e.org_id = @org AND e.conversation_id = p.cid${env('e.')}
      GROUP BY p.cid, p.first_ts, p.last_ts
      ORDER BY p.last_ts DESC, p.cid DESC`
  }

  return {
    async list(
      orgId: string,
      filter: ConversationFilter,
      page: ConversationPageRequest,
    ): Promise<ConversationPage> {
      const params: Params = { org: orgId, n: page.limit + 1 }
      if (filter.from !== undefined) params.from = filter.from
      if (filter.to !== undefined) params.to = filter.to
      if (filter.agent !== undefined) params.agent = filter.agent
      if (filter.model !== undefined) params.model = filter.model
      if (filter.environment !== undefined) params.env = filter.environment
      if (page.after)
        Object.assign(params, { after_ts: page.after.lastTs, after_id: page.after.id })
      const sql = listSql(pages.sql(orgId, filter, page.after !== undefined), filter)
      let statement = compiled.get(sql)
      if (!statement) compiled.set(sql, (statement = db.prepare<[Params], ConversationRow>(sql)))
      const rows = statement.all(params)
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
      const last = lastSeq.get(orgId, conversationId)?.last
      if (last === null || last === undefined) return undefined
      const since = request.since ?? 0
      const upTo = request.upTo ?? Math.max(last, since)
      const params: Params = { org: orgId, cid: conversationId, since, upTo, n: request.limit + 1 }
      if (request.after)
        Object.assign(params, { after_ts: request.after.ts, after_seq: request.after.seq })
      const rows = db
        .prepare<[Params], TimelineRow>(
          `SELECT ${timelineColumns} FROM events INDEXED BY events_org_conversation
           WHERE org_id = @org AND conversation_id = @cid AND seq > @since AND seq <= @upTo
           ${request.after ? 'AND (ts > @after_ts OR (ts = @after_ts AND seq > @after_seq))' : ''}
           ORDER BY ts, seq LIMIT @n`,
        )
        .all(params)
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
      return db
        .prepare<[string, string, string, string], EventRow>(
          `SELECT * FROM events WHERE org_id = ? AND conversation_id = ? AND kind = 'tool_call'
           AND (json_extract(metadata, '$.tool_call_id') IN (SELECT value FROM json_each(?)) OR span_id IN (SELECT value FROM json_each(?)))
           ORDER BY ts, seq`,
        )
        .all(orgId, conversationId, JSON.stringify(toolCallIds), JSON.stringify(toolCallIds))
        .map(rowToEvent)
    },

    async systemPrompt(orgId: string, sha256: string): Promise<string | undefined> {
      return prompt.get(orgId, sha256)?.text
    },
  }
}
