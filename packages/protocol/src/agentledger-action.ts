import type { Event } from './event-schema.js'
import { microsToUsd, usdToMicros } from './money.js'
import { normalizeStatus } from './status.js'

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

export type ActionMapResult = { ok: true; event: Record<string, unknown> } | { ok: false; missing: boolean; errors: string[] }

const MISSING = 'Missing required fields: agent, service, action'

/**
 * A `POST /api/v1/actions` body as a native event. `ts` is when the action started: the receive
 * time minus `duration_ms`, so traces lay actions out by their real start and end.
 */
export function eventFromAction(body: unknown, now: number): ActionMapResult {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return { ok: false, missing: true, errors: [MISSING] }
  const b = body as Record<string, unknown>
  const present = (v: unknown) => typeof v === 'string' && v.trim() !== ''
  if (!present(b.agent) || !present(b.service) || !present(b.action)) return { ok: false, missing: true, errors: [MISSING] }
  const errors: string[] = []
  const number = (name: string): number | undefined => {
    const v = b[name]
    if (v === undefined || v === null) return undefined
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      errors.push(`${name} must be a number of at least 0`)
      return undefined
    }
    return v
  }
  const costCents = number('cost_cents')
  const durationMs = number('duration_ms')
  let status: string | undefined
  if (b.status !== undefined && b.status !== null) {
    if (typeof b.status !== 'string' || !normalizeStatus(b.status))
      errors.push('status must be one of success, error, blocked, pending, denied, failed')
    else status = b.status
  }
  if (b.metadata !== undefined && b.metadata !== null && (typeof b.metadata !== 'object' || Array.isArray(b.metadata)))
    errors.push('metadata must be an object')
  if (b.trace_id !== undefined && b.trace_id !== null && (typeof b.trace_id !== 'string' || b.trace_id.length > 200))
    errors.push('trace_id must be a string of at most 200 characters')
  if (b.environment !== undefined && b.environment !== null && !present(b.environment))
    errors.push('environment must be a non-empty string')
  if (errors.length > 0) return { ok: false, missing: false, errors }

  const event: Record<string, unknown> = {
    kind: 'action',
    ts: now - Math.round(durationMs ?? 0),
    agent: (b.agent as string).trim(),
    service: (b.service as string).trim(),
    action: (b.action as string).trim(),
    status: status ?? 'success',
    duration_ms: durationMs ?? 0,
    cost_usd: costCents === undefined ? 0 : centsToUsd(costCents),
    metadata: b.metadata ?? {},
  }
  if (typeof b.trace_id === 'string' && b.trace_id !== '') event.trace_id = b.trace_id
  if (typeof b.environment === 'string') event.environment = b.environment.trim()
  if (b.input !== undefined) event.input = b.input
  if (b.output !== undefined) event.output = b.output
  if (typeof b.id === 'string') event.id = b.id
  return { ok: true, event }
}

/** Cents to an exact decimal dollar string (cents may carry fractions). */
function centsToUsd(cents: number): string {
  return String(microsToUsd(Math.round(cents * 10_000)))
}
