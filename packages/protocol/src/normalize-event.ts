import { createHash } from 'node:crypto'
import { parseDateTime } from './calendar-time.js'
import type { FieldIssue } from './error-codes.js'
import { EVENT_INPUT_FIELDS, EventInputSchema } from './event-schema.js'
import type { EventInput } from './event-schema.js'
import { LIMITS } from './limits.js'
import { usdToMicros } from './money.js'
import type { NewEvent } from './new-event.js'
import { priceLlmCall } from './price-llm-call.js'
import { normalizeStatus } from './status.js'
import { compileSureCheck } from './sure-check.js'
import { uuidv7 } from './uuid.js'
import { zodIssues } from './zod-issues.js'

export interface NormalizeContext {
  /** Receive time, Unix ms. */
  now: number
  /** Used when the event does not name one. */
  ipAddress?: string | null
  /** The request's `Idempotency-Key`, stamped on the event. */
  idempotencyKey?: string | null
  /** Id to use when the event carries none (idempotent replays reuse the first request's ids). */
  id?: string
  /** Prefix for issue paths, such as `events.3`. */
  path?: string
}

export type NormalizeResult = { ok: true; event: NewEvent } | { ok: false; issues: FieldIssue[] }

const PAYLOADS = ['input', 'output', 'messages', 'tool_calls', 'error'] as const
const OBJECTS = ['rate_limit', 'context'] as const

// Compiled from the schema once: an event it vouches for is read as sent, without zod's copy.
const surelyEventInput = compileSureCheck(EventInputSchema)

/** Validates one event as a client sent it and turns it into a `NewEvent`, or lists every problem. */
export function normalizeEvent(raw: unknown, ctx: NormalizeContext): NormalizeResult {
  // An event the compiled check cannot vouch for (invalid, or unusual) goes through zod, whose
  // issues name every problem; both roads give the same result (normalize-event.fast.test.ts).
  if (surelyEventInput(raw)) return normalizeInput(raw as EventInput, ctx)
  return normalizeEventBySchema(raw, ctx)
}

/** `normalizeEvent` through zod alone: its fallback, and what its fast road is tested against. */
export function normalizeEventBySchema(raw: unknown, ctx: NormalizeContext): NormalizeResult {
  const parsed = EventInputSchema.safeParse(raw)
  if (!parsed.success) return { ok: false, issues: zodIssues(parsed.error, ctx.path) }
  return normalizeInput(parsed.data, ctx)
}

/** An event the schema accepted, normalized. */
function normalizeInput(input: EventInput, ctx: NormalizeContext): NormalizeResult {
  const issues: FieldIssue[] = []
  const fail: Fail = (field, message) =>
    issues.push({ path: ctx.path ? `${ctx.path}.${field}` : field, message })

  const ts = parseTimestamp(input.ts, ctx.now, fail)
  const status = normalizeStatus(input.status ?? 'success')
  if (!status)
    fail('status', 'status must be one of success, error, pending, denied (or failed, blocked)')

  let costMicros: number | null = null
  if (input.cost_usd !== undefined) {
    costMicros = usdToMicros(input.cost_usd) ?? null
    if (costMicros === null)
      fail('cost_usd', 'cost_usd must be a non-negative decimal number of dollars, such as 0.0125')
  }

  const serialized: Partial<Record<(typeof PAYLOADS)[number] | (typeof OBJECTS)[number], string>> =
    {}
  for (const field of PAYLOADS) {
    const text = serialize(input[field], LIMITS.payloadBytes, field, fail)
    if (text !== null) serialized[field] = text
  }
  for (const field of OBJECTS) {
    const text = serialize(input[field], LIMITS.objectBytes, field, fail)
    if (text !== null) serialized[field] = text
  }

  // Unknown top-level fields join a copy of `metadata`; most events have none, and no copy is made.
  let metadata: Record<string, unknown> | undefined
  for (const key in input) {
    if (EVENT_INPUT_FIELDS.has(key) || !Object.hasOwn(input, key)) continue
    metadata ??= { ...input.metadata }
    if (key in metadata) {
      // A copy: the client's own `_extra_fields` is never written to, and one that is not an object
      // is kept inside the new one rather than failing the event.
      const held = metadata._extra_fields
      const extra: Record<string, unknown> =
        held === undefined ? {} : isRecord(held) ? { ...held } : { _extra_fields: held }
      extra[key] = input[key]
      metadata._extra_fields = extra
    } else metadata[key] = input[key]
  }
  if (status && input.status && input.status !== status)
    (metadata ??= { ...input.metadata }).original_status = input.status
  const metadataText =
    metadata === undefined && input.metadata === undefined
      ? '{}'
      : serialize(metadata ?? input.metadata, LIMITS.objectBytes, 'metadata', fail)

  let promptSha = input.system_prompt_sha256 ?? null
  const prompt = input.system_prompt ?? null
  if (prompt !== null) {
    if (Buffer.byteLength(prompt) > LIMITS.payloadBytes)
      fail('system_prompt', `system_prompt must be at most ${LIMITS.payloadBytes} bytes`)
    const sha = createHash('sha256').update(prompt).digest('hex')
    if (promptSha !== null && promptSha !== sha)
      fail(
        'system_prompt_sha256',
        'system_prompt_sha256 does not match the SHA-256 of system_prompt',
      )
    promptSha = sha
  }

  if (issues.length > 0 || ts === undefined || !status) return { ok: false, issues }

  // A cost the client sent is kept as sent; otherwise the price table may know it.
  const priced = costMicros === null ? priceLlmCall(input) : undefined

  const tokensTotal =
    input.tokens_total ??
    (input.tokens_input !== undefined || input.tokens_output !== undefined
      ? (input.tokens_input ?? 0) + (input.tokens_output ?? 0)
      : null)

  return {
    ok: true,
    event: {
      id: input.id ?? ctx.id ?? uuidv7(ctx.now),
      ts,
      environment: input.environment ?? 'production',
      idempotency_key: ctx.idempotencyKey ?? null,
      agent: input.agent ?? null,
      user: input.user ?? null,
      ip_address: input.ip_address ?? ctx.ipAddress ?? null,
      kind: input.kind ?? 'action',
      service: input.service ?? null,
      action: input.action ?? null,
      status,
      title: input.title ?? null,
      trace_id: input.trace_id ?? null,
      span_id: input.span_id ?? null,
      parent_span_id: input.parent_span_id ?? null,
      conversation_id: input.conversation_id ?? null,
      provider: input.provider ?? null,
      model: input.model ?? null,
      tokens_input: input.tokens_input ?? null,
      tokens_output: input.tokens_output ?? null,
      tokens_cache_read: input.tokens_cache_read ?? null,
      tokens_cache_write: input.tokens_cache_write ?? null,
      tokens_total: tokensTotal,
      cost_micros: costMicros ?? priced?.micros ?? null,
      cost_source: costMicros !== null ? 'client' : (priced?.source ?? null),
      stop_reason: input.stop_reason ?? null,
      rate_limit: serialized.rate_limit ?? null,
      input: serialized.input ?? null,
      output: serialized.output ?? null,
      system_prompt_sha256: promptSha,
      system_prompt: prompt,
      messages: serialized.messages ?? null,
      thinking: input.thinking ?? null,
      tool_calls: serialized.tool_calls ?? null,
      error: serialized.error ?? null,
      duration_ms: input.duration_ms === undefined ? null : Math.round(input.duration_ms),
      tags: tagsOf(input.tags),
      metadata: metadataText ?? '{}',
      context: serialized.context ?? null,
      control: null,
    },
  }
}

type Fail = (field: string, message: string) => void

/** The tags, each once, in first-seen order: a copy, so the event never shares the client's array. */
function tagsOf(tags: readonly string[] | undefined): string[] {
  if (tags === undefined) return []
  return tags.length < 2 ? tags.slice() : [...new Set(tags)]
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

function parseTimestamp(
  value: string | number | undefined,
  now: number,
  report: Fail,
): number | undefined {
  const fail = (message: string) => report('ts', message)
  if (value === undefined) return now
  let ms: number
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0) {
      fail('ts must be an ISO 8601 string or a whole number of Unix epoch milliseconds')
      return undefined
    }
    if (value < 100_000_000_000) {
      fail('ts looks like Unix seconds; send milliseconds (or an ISO 8601 string)')
      return undefined
    }
    ms = value
  } else {
    const parsed = parseDateTime(value)
    if (parsed === undefined) {
      fail('ts must be an ISO 8601 date-time with a time zone, such as 2026-11-22T10:15:00Z')
      return undefined
    }
    ms = parsed
  }
  if (ms > now + LIMITS.futureSkewMs) {
    fail('ts lies more than 24 hours in the future; check the client clock')
    return undefined
  }
  return ms
}

function serialize(value: unknown, maxBytes: number, field: string, fail: Fail): string | null {
  if (value === undefined || value === null) return null
  const text = JSON.stringify(value)
  if (text.length > maxBytes / 4 && Buffer.byteLength(text) > maxBytes) {
    fail(field, `must be at most ${maxBytes} bytes of JSON`)
    return null
  }
  return text
}
