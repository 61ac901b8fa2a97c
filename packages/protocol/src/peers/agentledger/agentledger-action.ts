import type { Event } from '../../event-schema.js'
import { nestedDeeperThan } from '../../json-depth.js'
import { LIMITS } from '../../limits.js'
import { microsToUsd, usdToMicros } from '../../money.js'
import { normalizeStatus } from '../../status.js'

/**
 * The AgentLedger action shapes (shared/reference/004 and agentledger-wire.md) mapped onto the
 * native event: one function each way, so every AgentLedger path writes and reads the same trail.
 */

/** An `action_logs` row as AgentLedger clients read it. */
export interface ActionLog {
  id: string
  org_id: string
  agent_name: string | null
  service: string | null
  action: string | null
  /** success, error, blocked (a denied event), or pending. */
  status: string
  estimated_cost_cents: number
  duration_ms: number
  request_meta: Record<string, unknown>
  trace_id: string | null
  input: unknown
  output: unknown
  environment: string
  created_at: string
}

export function actionLogFromEvent(e: Event): ActionLog {
  return {
    id: e.id,
    org_id: e.org_id,
    agent_name: e.agent,
    service: e.service,
    action: e.action,
    status: e.status === 'denied' ? 'blocked' : e.status,
    estimated_cost_cents: e.cost_usd === null ? 0 : usdToCents(e.cost_usd),
    duration_ms: e.duration_ms ?? 0,
    request_meta: e.metadata,
    trace_id: e.trace_id,
    input: e.input ?? null,
    output: e.output ?? null,
    environment: e.environment,
    created_at: e.ts,
  }
}

/** Dollars to cents without binary-float residue (micro-dollar precision). */
export function usdToCents(usd: number): number {
  return (usdToMicros(usd) ?? 0) / 10_000
}

export type ActionMapResult =
  { ok: true; event: Record<string, unknown> } | { ok: false; missing: boolean; errors: string[] }

const MISSING = 'Missing required fields: agent, service, action'

/** Control characters go, as AgentLedger's `sanitizeString` does; then trim and cut to `max`. */
function clean(text: string, max: number): { text: string; cut: boolean } {
  // eslint-disable-next-line no-control-regex
  const stripped = text.replace(/[\u0000-\u001f\u007f]/g, '').trim()
  return stripped.length > max
    ? { text: stripped.slice(0, max), cut: true }
    : { text: stripped, cut: false }
}

/** An over-large value becomes AgentLedger's truncation marker instead of a refusal. */
function fit(value: unknown, maxBytes: number, preview: boolean): { value: unknown; cut: boolean } {
  const json = JSON.stringify(value) ?? ''
  if (Buffer.byteLength(json) <= maxBytes) return { value, cut: false }
  const marker: Record<string, unknown> = { _truncated: true, _originalSize: json.length }
  if (preview) marker._preview = json.slice(0, 500)
  return { value: marker, cut: true }
}

/**
 * A `POST /api/v1/actions` body as a native event. `ts` is when the action started: the receive
 * time minus `duration_ms`, so traces lay actions out by their real start and end.
 *
 * The SDK's `log()` passes whatever the caller gives it and only reports a refusal to `onError`,
 * so what AgentLedger accepted is accepted here too, without losing anything: a status word it does
 * not know is stored as `success` (AgentLedger's rule) with the word in `metadata.original_status`;
 * over-long names are cut and over-large payloads replaced by a `_truncated` marker, both listed in
 * `metadata.truncated_fields`. Values of the wrong type are refused.
 */
export function eventFromAction(body: unknown, now: number): ActionMapResult {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    return { ok: false, missing: true, errors: [MISSING] }
  const b = body as Record<string, unknown>
  const present = (v: unknown) => typeof v === 'string' && clean(v, Infinity).text !== ''
  if (!present(b.agent) || !present(b.service) || !present(b.action))
    return { ok: false, missing: true, errors: [MISSING] }
  const errors: string[] = []
  const number = (name: string): number | undefined => {
    const v = b[name]
    if (v === undefined || v === null) return undefined
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > LIMITS.maxCount) {
      errors.push(`${name} must be a number from 0 to ${LIMITS.maxCount}`)
      return undefined
    }
    return v
  }
  const costCents = number('cost_cents')
  const durationMs = number('duration_ms')
  if (b.status !== undefined && b.status !== null && typeof b.status !== 'string')
    errors.push('status must be a string')
  if (
    b.metadata !== undefined &&
    b.metadata !== null &&
    (typeof b.metadata !== 'object' || Array.isArray(b.metadata))
  )
    errors.push('metadata must be an object')
  for (const name of ['trace_id', 'environment'])
    if (b[name] !== undefined && b[name] !== null && typeof b[name] !== 'string')
      errors.push(`${name} must be a string`)
  // Measured (fit) before redaction, which keeps only 64 levels: deeper still would exhaust the stack.
  for (const name of ['metadata', 'input', 'output'])
    if (nestedDeeperThan(b[name], LIMITS.jsonDepth))
      errors.push(`${name} must not be nested more than ${LIMITS.jsonDepth} levels deep`)
  if (errors.length > 0) return { ok: false, missing: false, errors }

  const cut: string[] = []
  const name = (field: string, max: number = LIMITS.shortString): string => {
    const r = clean(b[field] as string, max)
    if (r.cut) cut.push(field)
    return r.text
  }
  const metadata = fit(b.metadata ?? {}, LIMITS.objectBytes - 1_024, false)
  if (metadata.cut) cut.push('metadata')
  const meta = { ...(metadata.value as Record<string, unknown>) }
  const word = typeof b.status === 'string' ? b.status : 'success'
  const known = normalizeStatus(word) !== undefined
  if (!known) meta.original_status = word

  const event: Record<string, unknown> = {
    kind: 'action',
    ts: now - Math.round(durationMs ?? 0),
    agent: name('agent'),
    service: name('service'),
    action: name('action'),
    status: known ? word : 'success',
    duration_ms: durationMs ?? 0,
    cost_usd: costCents === undefined ? 0 : centsToUsd(costCents),
    metadata: meta,
  }
  if (typeof b.trace_id === 'string' && b.trace_id.trim() !== '')
    event.trace_id = name('trace_id', 200)
  if (typeof b.environment === 'string' && b.environment.trim() !== '')
    event.environment = name('environment')
  for (const field of ['input', 'output'] as const) {
    if (b[field] === undefined) continue
    const r = fit(b[field], LIMITS.payloadBytes, true)
    if (r.cut) cut.push(field)
    event[field] = r.value
  }
  if (typeof b.id === 'string') event.id = b.id
  if (cut.length > 0) meta.truncated_fields = cut
  return { ok: true, event }
}

/** Cents to an exact decimal dollar string (cents may carry fractions). */
function centsToUsd(cents: number): string {
  return String(microsToUsd(Math.round(cents * 10_000)))
}
