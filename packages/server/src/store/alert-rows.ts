import type { AlertRule, RuleScope, SeriesState, WindowQuery, WindowTotals } from './alert-model.js'
import { DAY_MS, HOUR_MS, ceilTo, floorTo } from './time-buckets.js'

type Num = number | string

/** A row of `alert_rules`: the fields beyond its columns are JSON in `config`. */
export interface RuleRow {
  id: string
  type: string
  builtin: number | boolean
  name: string
  enabled: number | boolean
  metric: string
  config: string
  created_at: Num
  updated_at: Num
}

const iso = (v: Num) => new Date(Number(v)).toISOString()

export function ruleFromRow(r: RuleRow): AlertRule {
  const config = JSON.parse(r.config) as Record<string, unknown> & { scope: RuleScope }
  return {
    ...config,
    id: r.id,
    type: r.type,
    builtin: Boolean(r.builtin),
    name: r.name,
    enabled: Boolean(r.enabled),
    metric: r.metric,
    created_at: iso(r.created_at),
    updated_at: iso(r.updated_at),
  } as AlertRule
}

/** A rule's columns for an INSERT or UPDATE (booleans as 0/1 for SQLite; PostgreSQL casts them). */
export function ruleColumns(rule: AlertRule) {
  const { id, type, builtin, name, enabled, metric, created_at, updated_at, ...config } = rule
  return {
    id,
    type,
    builtin: builtin ? 1 : 0,
    name,
    enabled: enabled ? 1 : 0,
    metric,
    config: JSON.stringify(config),
    created_at: Date.parse(created_at),
    updated_at: Date.parse(updated_at),
  }
}

/** Built-in rules first, then the org's own by creation. */
export const RULE_ORDER = 'ORDER BY builtin DESC, created_at, id'

export const seriesFromBody = (body: string) => JSON.parse(body) as SeriesState

/**
 * [historyFrom, from) as the daily rollup buckets it covers whole and the hourly ones at its
 * edges, for the "seen before" test of new services.
 */
export function historyBuckets(
  historyFrom: number,
  from: number,
): { days: number[]; hours: number[] } {
  const dStart = ceilTo(historyFrom, DAY_MS)
  const dEnd = floorTo(from, DAY_MS)
  const days: number[] = []
  const hours: number[] = []
  if (dStart >= dEnd) {
    for (let h = ceilTo(historyFrom, HOUR_MS); h < from; h += HOUR_MS) hours.push(h)
    return { days, hours }
  }
  for (let d = dStart; d < dEnd; d += DAY_MS) days.push(d)
  for (let h = ceilTo(historyFrom, HOUR_MS); h < dStart; h += HOUR_MS) hours.push(h)
  for (let h = dEnd; h < from; h += HOUR_MS) hours.push(h)
  return { days, hours }
}

/** One group's sums as the window queries return them. */
export interface TotalsRow {
  environment: string
  agent: string
  events: Num
  errors: Num
  denied: Num
  cost_micros: Num
}

/**
 * Sums the parts of a window (rollup hours, raw edges) into one `WindowTotals` per group: per
 * environment and agent, or one for the whole scope.
 */
export function totalsAccumulator(groupByAgent: boolean) {
  const groups = new Map<string, WindowTotals>()
  const group = (environment: string, agent: string) => {
    const key = groupByAgent ? `${environment}\u0000${agent}` : ''
    let t = groups.get(key)
    if (!t)
      groups.set(
        key,
        (t = {
          environment: groupByAgent ? environment : null,
          agent: groupByAgent ? agent : null,
          events: 0,
          errors: 0,
          denied: 0,
          cost_micros: 0,
          latency: new Map(),
        }),
      )
    return t
  }
  return {
    add(r: TotalsRow) {
      const t = group(r.environment, r.agent)
      t.events += Number(r.events)
      t.errors += Number(r.errors)
      t.denied += Number(r.denied)
      t.cost_micros += Number(r.cost_micros)
    },
    addLatency(r: { environment: string; agent: string; latency: Num; events: Num }) {
      const t = group(r.environment, r.agent)
      const b = Number(r.latency)
      t.latency.set(b, (t.latency.get(b) ?? 0) + Number(r.events))
    },
    list: (): WindowTotals[] => [...groups.values()].filter((t) => t.events > 0),
  }
}

/** The window's filters as SQL over rollups (`agent` and `value` columns) and over events. */
export function windowFilters(q: WindowQuery, param: (v: unknown) => string) {
  // Latency is rolled up per agent, not per service: rules refuse that pair (alert-rule-schemas.ts).
  if (q.latency && q.scope.service !== null)
    throw new Error('a latency window cannot be scoped to a service')
  let rollup = "agent <> ''"
  let raw = 'agent IS NOT NULL'
  if (q.scope.environment !== null) {
    const p = param(q.scope.environment)
    rollup += ` AND environment = ${p}`
    raw += ` AND environment = ${p}`
  }
  if (q.scope.agent !== null) {
    const p = param(q.scope.agent)
    rollup += ` AND agent = ${p}`
    raw += ` AND agent = ${p}`
  }
  if (q.scope.service !== null) {
    const p = param(q.scope.service)
    rollup += ` AND value = ${p}`
    raw += ` AND service = ${p}`
  }
  return { rollup, raw, dim: q.scope.service === null ? 'total' : 'agent_service' }
}
