import { microsToUsd } from '@agenttrail/protocol'
import type { Event, EventStatus, NewEvent } from '@agenttrail/protocol'

/** An events row as both dialects return it: times in ms, JSON fields as text. */
export interface EventRow {
  org_id: string
  id: string
  seq: number | string
  environment: string
  idempotency_key: string | null
  ts: number | string
  received_at: number | string
  agent: string | null
  user: string | null
  ip_address: string | null
  kind: string
  service: string | null
  action: string | null
  status: string
  title: string | null
  trace_id: string | null
  span_id: string | null
  parent_span_id: string | null
  conversation_id: string | null
  provider: string | null
  model: string | null
  tokens_input: number | string | null
  tokens_output: number | string | null
  tokens_cache_read: number | string | null
  tokens_cache_write: number | string | null
  tokens_total: number | string | null
  cost_micros: number | string | null
  cost_source: string | null
  stop_reason: string | null
  rate_limit: string | null
  input: string | null
  output: string | null
  system_prompt_sha256: string | null
  messages: string | null
  thinking: string | null
  tool_calls: string | null
  error: string | null
  duration_ms: number | string | null
  tags: string
  metadata: string
  context: string | null
  control: string | null
}

/** Column names in insert order; the dialects build their statements from this list. */
export const EVENT_COLUMNS = [
  'org_id',
  'id',
  'seq',
  'environment',
  'idempotency_key',
  'ts',
  'received_at',
  'agent',
  'user',
  'ip_address',
  'kind',
  'service',
  'action',
  'status',
  'title',
  'trace_id',
  'span_id',
  'parent_span_id',
  'conversation_id',
  'provider',
  'model',
  'tokens_input',
  'tokens_output',
  'tokens_cache_read',
  'tokens_cache_write',
  'tokens_total',
  'cost_micros',
  'cost_source',
  'stop_reason',
  'rate_limit',
  'input',
  'output',
  'system_prompt_sha256',
  'messages',
  'thinking',
  'tool_calls',
  'error',
  'duration_ms',
  'tags',
  'metadata',
  'context',
  'control',
] as const satisfies ReadonlyArray<keyof EventRow>

/** The values of one new row, in `EVENT_COLUMNS` order (spelled out: this runs once per event). */
export function eventRowValues(
  orgId: string,
  e: NewEvent,
  seq: number,
  receivedAt: number,
): unknown[] {
  return [
    orgId,
    e.id,
    seq,
    e.environment,
    e.idempotency_key,
    e.ts,
    receivedAt,
    e.agent,
    e.user,
    e.ip_address,
    e.kind,
    e.service,
    e.action,
    e.status,
    e.title,
    e.trace_id,
    e.span_id,
    e.parent_span_id,
    e.conversation_id,
    e.provider,
    e.model,
    e.tokens_input,
    e.tokens_output,
    e.tokens_cache_read,
    e.tokens_cache_write,
    e.tokens_total,
    e.cost_micros,
    e.cost_source,
    e.stop_reason,
    e.rate_limit,
    e.input,
    e.output,
    e.system_prompt_sha256,
    e.messages,
    e.thinking,
    e.tool_calls,
    e.error,
    e.duration_ms,
    JSON.stringify(e.tags),
    e.metadata,
    e.context,
    e.control === null ? null : JSON.stringify(e.control),
  ]
}

const num = (v: number | string | null): number | null => (v === null ? null : Number(v))
const parse = (v: string | null): unknown => (v === null ? null : JSON.parse(v))

export function rowToEvent(row: EventRow): Event {
  return {
    id: row.id,
    org_id: row.org_id,
    seq: Number(row.seq),
    environment: row.environment,
    idempotency_key: row.idempotency_key,
    ts: new Date(Number(row.ts)).toISOString(),
    received_at: new Date(Number(row.received_at)).toISOString(),
    agent: row.agent,
    user: row.user,
    ip_address: row.ip_address,
    kind: row.kind,
    service: row.service,
    action: row.action,
    status: row.status as EventStatus,
    title: row.title,
    trace_id: row.trace_id,
    span_id: row.span_id,
    parent_span_id: row.parent_span_id,
    conversation_id: row.conversation_id,
    provider: row.provider,
    model: row.model,
    tokens_input: num(row.tokens_input),
    tokens_output: num(row.tokens_output),
    tokens_cache_read: num(row.tokens_cache_read),
    tokens_cache_write: num(row.tokens_cache_write),
    tokens_total: num(row.tokens_total),
    cost_usd: row.cost_micros === null ? null : microsToUsd(Number(row.cost_micros)),
    cost_source: row.cost_source,
    stop_reason: row.stop_reason,
    rate_limit: parse(row.rate_limit) as Record<string, unknown> | null,
    input: parse(row.input),
    output: parse(row.output),
    system_prompt_sha256: row.system_prompt_sha256,
    messages: parse(row.messages),
    thinking: row.thinking,
    tool_calls: parse(row.tool_calls),
    error: parse(row.error),
    duration_ms: num(row.duration_ms),
    tags: JSON.parse(row.tags) as string[],
    metadata: JSON.parse(row.metadata) as Record<string, unknown>,
    context: parse(row.context) as Record<string, unknown> | null,
    control: parse(row.control) as Event['control'],
  }
}

/** An event as the API returns it, less what its append transaction decides: what `prepareLeaf` takes. */
export type LeafSource = Omit<Event, 'seq' | 'received_at' | 'control'>

/**
 * A new event as `rowToEvent` will return it once stored, without what the append transaction
 * decides (`seq`, `received_at`, `control`): the source of its leaf (`prepareLeaf`), computed before
 * the transaction. Keep the two in step; event-row.test.ts checks they agree.
 */
export function leafSourceOf(orgId: string, e: NewEvent): LeafSource {
  return {
    id: e.id,
    org_id: orgId,
    environment: e.environment,
    idempotency_key: e.idempotency_key,
    ts: new Date(e.ts).toISOString(),
    agent: e.agent,
    user: e.user,
    ip_address: e.ip_address,
    kind: e.kind,
    service: e.service,
    action: e.action,
    status: e.status,
    title: e.title,
    trace_id: e.trace_id,
    span_id: e.span_id,
    parent_span_id: e.parent_span_id,
    conversation_id: e.conversation_id,
    provider: e.provider,
    model: e.model,
    tokens_input: e.tokens_input,
    tokens_output: e.tokens_output,
    tokens_cache_read: e.tokens_cache_read,
    tokens_cache_write: e.tokens_cache_write,
    tokens_total: e.tokens_total,
    cost_usd: e.cost_micros === null ? null : microsToUsd(e.cost_micros),
    cost_source: e.cost_source,
    stop_reason: e.stop_reason,
    rate_limit: parse(e.rate_limit) as Record<string, unknown> | null,
    input: parse(e.input),
    output: parse(e.output),
    system_prompt_sha256: e.system_prompt_sha256,
    messages: parse(e.messages),
    thinking: e.thinking,
    tool_calls: parse(e.tool_calls),
    error: parse(e.error),
    duration_ms: e.duration_ms,
    tags: e.tags,
    // Most events carry no metadata: skip the parse of `{}`.
    metadata: (e.metadata === '{}' ? {} : JSON.parse(e.metadata)) as Record<string, unknown>,
    context: parse(e.context) as Record<string, unknown> | null,
  }
}
