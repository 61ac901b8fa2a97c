import type { TrailEvent } from './trail-event.js'

/** The server's per-field limits (packages/protocol/src/limits.ts), in UTF-8 bytes. */
const PAYLOAD_BYTES = 262_144
const OBJECT_BYTES = 65_536
// system_prompt and thinking are strings: cut to the limit rather than replaced by a marker object.
const TEXT_FIELDS = ['system_prompt', 'thinking'] as const
const PAYLOAD_FIELDS = ['input', 'output', 'messages', 'tool_calls', 'error'] as const
const OBJECT_FIELDS = ['metadata', 'context', 'rate_limit'] as const
// Below this many UTF-16 units no field can be over its byte limit, so the common event is checked for free.
const CHECK_ABOVE = OBJECT_BYTES / 3

export interface EventDefaults {
  environment: string
  tags: readonly string[]
}

/**
 * One queued event as the JSON the server receives, or undefined when it cannot be serialized at
 * all. This runs when a batch is sent, not in `fire()`, so the caller never pays for it. It fills
 * the client's defaults, maps AgentLedger's spellings, and replaces a field the server would
 * refuse for its size with AgentLedger's truncation marker, so one large value costs that value
 * and not the whole event. The event object is the SDK's own copy and is changed in place.
 */
export function serializeEvent(event: TrailEvent, defaults: EventDefaults): string | undefined {
  applyAliases(event)
  if (event.environment === undefined) event.environment = defaults.environment
  if (defaults.tags.length > 0)
    event.tags = Array.isArray(event.tags)
      ? [...new Set([...defaults.tags, ...event.tags])]
      : [...defaults.tags]
  let json = tryStringify(event)
  if (json === undefined || json.length > CHECK_ABOVE) {
    for (const field of PAYLOAD_FIELDS) fit(event, field, PAYLOAD_BYTES)
    for (const field of OBJECT_FIELDS) fit(event, field, OBJECT_BYTES)
    for (const field of TEXT_FIELDS) cutText(event, field, PAYLOAD_BYTES)
    json = tryStringify(event)
  }
  return json
}

/** AgentLedger's marker for a value too large to keep (agentledger 0.5.0 `truncate`). */
export function truncationMarker(json: string): Record<string, unknown> {
  return { _truncated: true, _originalSize: json.length, _preview: json.slice(0, 500) }
}

/** Peer spellings → native names: AgentLedger's `log()` options and Logwick's log fields. */
const ALIASES: ReadonlyArray<readonly [string, string]> = [
  ['durationMs', 'duration_ms'],
  ['traceId', 'trace_id'],
  ['latency_ms', 'duration_ms'],
  ['tokens', 'tokens_total'],
]

function applyAliases(event: TrailEvent): void {
  for (const [alias, native] of ALIASES) {
    if (event[alias] === undefined) continue
    event[native] ??= event[alias]
    delete event[alias]
  }
  if (event.costCents !== undefined) {
    if (event.cost_usd === undefined && typeof event.costCents === 'number')
      event.cost_usd = centsToUsd(event.costCents)
    delete event.costCents
  }
}

/** Cents (fractions allowed) as an exact decimal dollar string, to the micro-dollar the server keeps. */
export function centsToUsd(cents: number): string {
  return (Math.round(cents * 10_000) / 1_000_000).toFixed(6)
}

function fit(event: TrailEvent, field: string, maxBytes: number): void {
  if (event[field] !== undefined) event[field] = fitValue(event[field], maxBytes)
}

/** The value, or AgentLedger's marker when its JSON is over `maxBytes` or it has none. Default 256 KiB. */
export function fitValue(value: unknown, maxBytes: number = PAYLOAD_BYTES): unknown {
  const json = tryStringify(value)
  if (json === undefined) return { _error: 'Could not serialize' }
  return json.length * 3 > maxBytes && utf8Length(json) > maxBytes ? truncationMarker(json) : value
}

function tryStringify(value: unknown): string | undefined {
  try {
    return JSON.stringify(value)
  } catch {
    return undefined
  }
}

const encoder = new TextEncoder()

function utf8Length(text: string): number {
  return encoder.encode(text).length
}

/** Cuts a text field over `maxBytes` of UTF-8 to fit, and says so in `metadata.truncated_fields`. */
function cutText(event: TrailEvent, field: (typeof TEXT_FIELDS)[number], maxBytes: number): void {
  const text = event[field]
  if (typeof text !== 'string' || text.length * 3 <= maxBytes) return
  const bytes = new TextEncoder().encode(text)
  if (bytes.length <= maxBytes) return
  // The decoder drops a character cut in half; the margin keeps the server's count under its limit.
  event[field] = new TextDecoder().decode(bytes.subarray(0, maxBytes - 16)).replace(/\uFFFD$/, '')
  const metadata = (
    event.metadata && typeof event.metadata === 'object' ? event.metadata : {}
  ) as Record<string, unknown>
  const cut = Array.isArray(metadata.truncated_fields)
    ? (metadata.truncated_fields as unknown[])
    : []
  event.metadata = { ...metadata, truncated_fields: [...cut, field] }
}
