import type { ControlNote } from './control-note.js'
import type { EventStatus } from './status.js'

/**
 * A validated, normalized event on its way to the store: what the pipeline appends. Payload and
 * object fields are already serialized to JSON text (serialized once, checked for size once).
 */
export interface NewEvent {
  id: string
  /** Unix epoch milliseconds. */
  ts: number
  environment: string
  idempotency_key: string | null
  agent: string | null
  user: string | null
  ip_address: string | null
  kind: string
  service: string | null
  action: string | null
  status: EventStatus
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
  /** Integer micro-dollars. */
  cost_micros: number | null
  cost_source: string | null
  stop_reason: string | null
  rate_limit: string | null
  input: string | null
  output: string | null
  system_prompt_sha256: string | null
  /** The prompt text, when the client sent it: stored once per org under its hash. */
  system_prompt: string | null
  messages: string | null
  thinking: string | null
  tool_calls: string | null
  error: string | null
  duration_ms: number | null
  tags: string[]
  /** JSON object text; never null (unknown top-level fields land here). */
  metadata: string
  context: string | null
  /** Set by the control plane only (see control-note.ts); null from normalization. */
  control: ControlNote | null
}
