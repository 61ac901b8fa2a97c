/**
 * One event as the SDK sends it: the native AgentTrail shape of `POST /api/v1/events`
 * (docs/api.md). Every field is optional; the server fills defaults and validates. Fields it does
 * not know are kept under `metadata`. Integrations fill these fields from a provider's response.
 */
export interface TrailEvent {
  /** Client-generated UUID. Set by `fire()` and `log()` when absent (UUIDv7), so a retry never duplicates. */
  id?: string
  /** When it happened: ISO 8601 or Unix epoch milliseconds. Set to the time of `fire()` when absent. */
  ts?: string | number
  /** Default: the client's `environment`. */
  environment?: string
  agent?: string
  /** The actor: e-mail, user id or `system`. */
  user?: string
  ip_address?: string
  /** `action` (server default), `llm_call`, `tool_call`, `http_call`, `message`, `turn`, `session`, `cron`, ... */
  kind?: string
  service?: string
  action?: string
  /** `success` (default), `error`, `pending` or `denied` (also `ok`, `failed`, `failure`, `blocked`). */
  status?: string
  title?: string
  trace_id?: string
  span_id?: string
  parent_span_id?: string
  conversation_id?: string
  provider?: string
  model?: string
  tokens_input?: number
  tokens_output?: number
  tokens_cache_read?: number
  tokens_cache_write?: number
  tokens_total?: number
  /** Exact decimal US dollars. When absent the server prices LLM calls from its price table. */
  cost_usd?: number | string
  stop_reason?: string
  /** The provider's rate-limit headers. */
  rate_limit?: Record<string, unknown>
  input?: unknown
  output?: unknown
  /** Stored once per org; the event keeps its SHA-256. */
  system_prompt?: string
  messages?: unknown
  thinking?: string
  tool_calls?: unknown
  error?: unknown
  /** Milliseconds. */
  duration_ms?: number
  /** Added to the client's default `tags`. */
  tags?: string[]
  metadata?: Record<string, unknown>
  context?: Record<string, unknown>
  /** AgentLedger spellings, accepted so `log()` calls port unchanged: `duration_ms`, `cost_usd` (cents / 100), `trace_id`. */
  durationMs?: number
  costCents?: number
  traceId?: string
  /** Logwick spellings: `tokens_total` and `duration_ms`. */
  tokens?: number
  latency_ms?: number
  [field: string]: unknown
}

/** The server's receipt for one durably written event. */
export interface EventReceipt {
  id: string
  /** Per-org sequence number, gap-free, in commit order. */
  seq: number
}
