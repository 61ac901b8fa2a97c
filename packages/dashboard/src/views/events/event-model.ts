/** The native event as `GET /api/v1/events` and the stream's `event.new` frames carry it. */
export interface FeedEvent {
  id: string
  org_id: string
  seq: number
  environment: string
  ts: string
  received_at: string
  agent: string | null
  user: string | null
  ip_address: string | null
  kind: string
  service: string | null
  action: string | null
  status: 'success' | 'error' | 'pending' | 'denied'
  title: string | null
  trace_id: string | null
  span_id: string | null
  parent_span_id: string | null
  conversation_id: string | null
  provider: string | null
  model: string | null
  tokens_input: number | null
  tokens_output: number | null
  tokens_cache_read: number | null
  tokens_cache_write: number | null
  tokens_total: number | null
  cost_usd: number | null
  cost_source: string | null
  stop_reason: string | null
  rate_limit: Record<string, unknown> | null
  input: unknown
  output: unknown
  system_prompt_sha256: string | null
  messages: unknown
  thinking: string | null
  tool_calls: unknown
  error: unknown
  duration_ms: number | null
  tags: string[]
  metadata: Record<string, unknown>
  context: Record<string, unknown> | null
  control: ControlNote | null
}

/** What the control plane decided about an event (policy, budget or agent state) and why. */
export interface ControlNote {
  decision: 'denied' | 'approval_required' | 'violation'
  rule: string
  reason: string
  policy_id?: string
  budget_id?: string
  approval_id?: string
}

export interface Evaluation {
  id: string
  score: number
  label: string | null
  feedback: string | null
  evaluated_by: string | null
  created_at: string
}

/** `GET /api/v1/events/{id}`: the event with its newest evaluations. */
export type EventDetail = FeedEvent & { evaluations: Evaluation[] }

/** A page of `GET /api/v1/events`. */
export interface EventPage {
  events: FeedEvent[]
  next_cursor: string | null
}

/** The one-line description of an event: its title, else its action, else its kind. */
export function eventLabel(e: Pick<FeedEvent, 'title' | 'action' | 'kind'>): string {
  return e.title ?? e.action ?? e.kind
}
