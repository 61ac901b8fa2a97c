/** Shapes of the conversation answers (`/api/v1/conversations*`, see `/api/openapi.json`). */

export type CallStatus = 'success' | 'error' | 'pending' | 'denied'

/** One row of the activity log: the events sharing a `conversation_id`, aggregated. */
export interface Conversation {
  conversation_id: string
  subject: string | null
  agent: string | null
  agents: string[]
  environment: string
  models: string[]
  calls: { llm: number; tool: number; http: number; total: number }
  events: number
  errors: number
  tokens: { input: number; output: number; cached: number; cache_write: number; total: number }
  cost_usd: number
  started_at: string
  ended_at: string
  duration_ms: number
  last_event_at: string
}

export interface ConversationPage {
  conversations: Conversation[]
  next_cursor: string | null
}

/** Token counts of one call; null where the call did not say. `cached` is the cache read. */
export interface EventTokens {
  input: number | null
  output: number | null
  cached: number | null
  cache_write: number | null
  total: number | null
}

/** A tool an LLM call asked for, with the result the tool call recorded (when there was one). */
export interface ToolCall {
  id: string | null
  name: string | null
  input: unknown
  result: unknown
  status: CallStatus | null
  error: unknown
  duration_ms: number | null
  result_event_id: string | null
}

export interface HttpCall {
  method: string | null
  url: string | null
  status: number | null
}

/** One entry of a conversation's timeline. */
export interface TimelineItem {
  id: string
  seq: number
  ts: string
  kind: string
  status: CallStatus
  agent: string | null
  title: string | null
  service: string | null
  action: string | null
  provider: string | null
  model: string | null
  trace_id: string | null
  tokens: EventTokens
  cost_usd: number | null
  duration_ms: number | null
  stop_reason: string | null
  tools_called: ToolCall[]
  tool: { call_id: string | null; name: string | null } | null
  http: HttpCall | null
  input: unknown
  output: unknown
  error: unknown
  has_thinking: boolean
}

export interface TimelinePage {
  conversation_id: string
  events: TimelineItem[]
  next_cursor: string | null
  last_seq: number
}

/** Everything about one call. */
export interface CallDetail {
  id: string
  seq: number
  conversation_id: string
  ts: string
  kind: string
  status: CallStatus
  agent: string | null
  environment: string
  provider: string | null
  model: string | null
  title: string | null
  trace_id: string | null
  span_id: string | null
  system_prompt: { sha256: string; text: string | null } | null
  messages: unknown
  request: unknown
  response: unknown
  response_text: string | null
  thinking: string | null
  tool_calls: ToolCall[]
  tool: { call_id: string | null; name: string | null } | null
  http: HttpCall | null
  error: unknown
  tokens: EventTokens
  cost_usd: number | null
  cost_source: string | null
  stop_reason: string | null
  duration_ms: number | null
  rate_limit: Record<string, unknown> | null
}
