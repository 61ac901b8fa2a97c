import { microsToUsd } from '@agenttrail/protocol'
import type { ConversationSummary, TimelineEvent } from './conversation-store.js'
import { conversationSubject } from './conversation-subject.js'
import type { EventRow } from './event-row.js'
import { EVENT_COLUMNS, rowToEvent } from './event-row.js'

type Num = number | string

/** One row of the conversation aggregate as both dialects return it (numbers may come as text). */
export interface ConversationRow {
  cid: string
  first_ts: Num
  last_ts: Num
  end_ts: Num
  events: Num
  llm_calls: Num
  tool_calls: Num
  http_calls: Num
  errors: Num
  tokens_input: Num
  tokens_output: Num
  tokens_cache_read: Num
  tokens_cache_write: Num
  tokens_total: Num
  cost_micros: Num
  /** SQLite: JSON array text; PostgreSQL: an array, or null when empty. */
  models: string | string[] | null
  agents: string | string[] | null
  agent: string | null
  environment: string
  subject_meta: string | null
  first_user: string | null
  first_title: string | null
}

const list = (v: string | string[] | null): string[] =>
  (v === null ? [] : Array.isArray(v) ? [...v] : (JSON.parse(v) as string[])).sort((a, b) =>
    a < b ? -1 : a > b ? 1 : 0,
  )

export function rowToConversation(row: ConversationRow): ConversationSummary {
  const llm = Number(row.llm_calls)
  const tool = Number(row.tool_calls)
  const http = Number(row.http_calls)
  const first = Number(row.first_ts)
  const end = Math.max(Number(row.end_ts), first)
  return {
    conversation_id: row.cid,
    subject: conversationSubject({
      metadataSubject: row.subject_meta,
      firstUserContent: row.first_user,
      firstTitle: row.first_title,
    }),
    agent: row.agent,
    agents: list(row.agents),
    environment: row.environment,
    models: list(row.models),
    calls: { llm, tool, http, total: llm + tool + http },
    events: Number(row.events),
    errors: Number(row.errors),
    tokens: {
      input: Number(row.tokens_input),
      output: Number(row.tokens_output),
      cached: Number(row.tokens_cache_read),
      cache_write: Number(row.tokens_cache_write),
      total: Number(row.tokens_total),
    },
    cost_usd: microsToUsd(Number(row.cost_micros)),
    started_at: new Date(first).toISOString(),
    ended_at: new Date(end).toISOString(),
    duration_ms: end - first,
    last_event_at: new Date(Number(row.last_ts)).toISOString(),
  }
}

/** The columns a timeline reads: all but `messages` and `thinking`, whose presence it reports instead. */
export const TIMELINE_COLUMNS = EVENT_COLUMNS.filter((c) => c !== 'messages' && c !== 'thinking')

export type TimelineRow = Omit<EventRow, 'messages' | 'thinking'> & {
  has_messages: Num | boolean
  has_thinking: Num | boolean
}

export function rowToTimelineEvent(row: TimelineRow): TimelineEvent {
  const {
    messages: _m,
    thinking: _t,
    ...event
  } = rowToEvent({ ...row, messages: null, thinking: null })
  return {
    ...event,
    has_messages: Boolean(Number(row.has_messages)),
    has_thinking: Boolean(Number(row.has_thinking)),
  }
}
