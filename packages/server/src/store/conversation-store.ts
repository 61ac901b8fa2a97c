import type { Event } from '@agenttrail/protocol'

/**
 * Reading the trail one conversation at a time (events sharing a `conversation_id`): the activity
 * log, the timeline and what one LLM call needs. Everything is aggregated in the database.
 */
export interface ConversationStore {
  /**
   * One row per conversation, newest activity (last event `ts`) first, then by conversation id.
   * The page holds at most `limit` rows; `next` is present when more may follow.
   */
  list(
    orgId: string,
    filter: ConversationFilter,
    page: ConversationPageRequest,
  ): Promise<ConversationPage>
  /**
   * The conversation's events in chronological order (`ts`, then `seq`), or undefined when the org
   * has no event with this conversation id.
   */
  timeline(
    orgId: string,
    conversationId: string,
    request: TimelineRequest,
  ): Promise<TimelinePage | undefined>
  /**
   * The conversation's `tool_call` events that answer any of these tool call ids (their
   * `metadata.tool_call_id`, else their `span_id`), in chronological order.
   */
  toolResults(
    orgId: string,
    conversationId: string,
    toolCallIds: readonly string[],
  ): Promise<Event[]>
  /** The text stored once per org under this SHA-256 (hex), if any. */
  systemPrompt(orgId: string, sha256: string): Promise<string | undefined>
}

export interface ConversationFilter {
  /** Conversations whose last event is at or after this time (Unix ms). */
  from?: number
  /** Conversations whose first event is before this time (Unix ms, exclusive). */
  to?: number
  /** Conversations in which this agent recorded any event. */
  agent?: string
  /** Conversations in which any event used this model. */
  model?: string
  /** Only this environment's events count, for the filter and the aggregates. */
  environment?: string
}

/** Position after which the next page of conversations starts (exclusive), newest first. */
export interface ConversationCursor {
  lastTs: number
  id: string
}

export interface ConversationPageRequest {
  limit: number
  after?: ConversationCursor
}

export interface ConversationPage {
  items: ConversationSummary[]
  next?: ConversationCursor
}

export interface TokenTotals {
  input: number
  output: number
  /** Tokens read from the provider's prompt cache (`tokens_cache_read`). */
  cached: number
  cache_write: number
  total: number
}

/** One row of the activity log. */
export interface ConversationSummary {
  conversation_id: string
  /** See `conversationSubject`: metadata.subject, else the first user message, else the first title. */
  subject: string | null
  /** The agent of the first event that names one. */
  agent: string | null
  /** Every agent that recorded an event, sorted. */
  agents: string[]
  /** The environment of the first event. */
  environment: string
  /** Every model used, sorted. */
  models: string[]
  /** `llm_call`, `tool_call` and `http_call` events; `total` is their sum. */
  calls: { llm: number; tool: number; http: number; total: number }
  /** Every event, of any kind. */
  events: number
  /** Events with status `error`. */
  errors: number
  tokens: TokenTotals
  cost_usd: number
  /** The first event's `ts`. */
  started_at: string
  /** The latest end of any event (`ts + duration_ms`). */
  ended_at: string
  duration_ms: number
  /** The last event's `ts` (the order and the cursor). */
  last_event_at: string
}

/** Position in a timeline (exclusive), oldest first. */
export interface TimelinePosition {
  ts: number
  seq: number
}

export interface TimelineRequest {
  /** Only events with a larger `seq` (committed later). Default 0. */
  since?: number
  /** Only events with `seq` at most this: the snapshot a paged read started from. Default: now. */
  upTo?: number
  after?: TimelinePosition
  limit: number
}

export interface TimelinePage {
  items: TimelineEvent[]
  /** The highest `seq` this answer covers: poll with `since` = this for what comes next. */
  lastSeq: number
  next?: TimelinePosition
}

/** An event as the timeline lists it: everything but the heavy request fields, which the call detail has. */
export type TimelineEvent = Omit<Event, 'messages' | 'thinking'> & {
  has_messages: boolean
  has_thinking: boolean
}
