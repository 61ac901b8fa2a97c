import type { Event } from '../../event-schema.js'

/**
 * The Logwick log shapes (shared/reference/000) mapped onto the native event. A Logwick log is
 * one AI call: `tokens` is the total, `latency_ms` the duration.
 */

/** A log as `GET /api/v1/logs` returns it. */
export interface LogwickLog {
  id: string
  timestamp: string
  agent: string | null
  action: string | null
  status: string
  input: unknown
  output: unknown
  user: string | null
  tokens: number | null
  latency_ms: number | null
  cost_usd: number | null
  tags: string[]
  metadata: Record<string, unknown>
  environment: string
}

export function logwickLogFromEvent(e: Event): LogwickLog {
  return {
    id: e.id,
    timestamp: e.ts,
    agent: e.agent,
    action: e.action,
    status: e.status,
    input: e.input ?? null,
    output: e.output ?? null,
    user: e.user,
    tokens: e.tokens_total,
    latency_ms: e.duration_ms,
    cost_usd: e.cost_usd,
    tags: e.tags,
    metadata: e.metadata,
    environment: e.environment,
  }
}

/** Logwick field names that differ from the native ones: Logwick name → native name. */
export const LOGWICK_RENAMES: Readonly<Record<string, string>> = {
  tokens: 'tokens_total',
  latency_ms: 'duration_ms',
}

/**
 * A `POST /api/v1/logs` body as a native event, or the names of missing required fields. Types
 * are checked by the native schema afterwards (its field paths map back through LOGWICK_RENAMES).
 */
export function eventFromLogwick(
  body: unknown,
): { ok: true; event: Record<string, unknown> } | { ok: false; missing: string[] } {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    return { ok: false, missing: ['agent', 'action'] }
  const b = body as Record<string, unknown>
  const missing = ['agent', 'action'].filter(
    (k) => b[k] === undefined || b[k] === null || b[k] === '',
  )
  if (missing.length > 0) return { ok: false, missing }
  const event: Record<string, unknown> = { kind: 'llm_call', status: 'success' }
  for (const [key, value] of Object.entries(b)) event[LOGWICK_RENAMES[key] ?? key] = value
  return { ok: true, event }
}
