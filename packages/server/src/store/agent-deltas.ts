import type { NewEvent } from '@agenttrail/protocol'

/** What one batch adds to one agent's row. */
export interface AgentDelta {
  org_id: string
  environment: string
  name: string
  first_seen: number
  last_seen: number
  events: number
  errors: number
  tokens_total: number
  cost_micros: number
}

/**
 * Folds a batch of appended events into one delta per (org, environment, agent), so the append
 * transaction upserts each agent row once however many of its events the batch holds.
 */
export function agentDeltas(items: Iterable<{ orgId: string; event: NewEvent }>): AgentDelta[] {
  const deltas = new Map<string, AgentDelta>()
  for (const { orgId, event: e } of items) {
    if (e.agent === null) continue
    const key = `${orgId}\u0000${e.environment}\u0000${e.agent}`
    let a = deltas.get(key)
    if (!a) {
      a = {
        org_id: orgId,
        environment: e.environment,
        name: e.agent,
        first_seen: e.ts,
        last_seen: e.ts,
        events: 0,
        errors: 0,
        tokens_total: 0,
        cost_micros: 0,
      }
      deltas.set(key, a)
    }
    a.first_seen = Math.min(a.first_seen, e.ts)
    a.last_seen = Math.max(a.last_seen, e.ts)
    a.events += 1
    if (e.status === 'error') a.errors += 1
    a.tokens_total += e.tokens_total ?? 0
    a.cost_micros += e.cost_micros ?? 0
  }
  return [...deltas.values()]
}
