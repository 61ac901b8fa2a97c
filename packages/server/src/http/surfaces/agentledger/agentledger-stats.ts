import { z } from 'zod'
import { usdToCents } from '@agenttrail/protocol'
import type { AgentSummary, Stats, StatsQuery, Store } from '../../../store/store.js'
import { DAY_MS, HOUR_MS, floorTo } from '../../../store/time-buckets.js'

/**
 * AgentLedger's dashboard summary (agentledger-wire.md §2.2): the range's totals, today (since UTC
 * midnight), the cost of the last 7 UTC days (today and the 6 before), the last 24 hours by hour,
 * and the agents. Alerts come from
 * anomaly detection; until an alert exists the list is empty.
 */
export async function agentLedgerStats(
  store: Store,
  orgId: string,
  stats: Stats,
  query: StatsQuery,
  now: number,
) {
  const filter = { environment: query.environment, agent: query.agent }
  const hourEnd = floorTo(now, HOUR_MS) + HOUR_MS
  const weekFrom = floorTo(now, DAY_MS) - 6 * DAY_MS
  const [today, weekCostUsd, day, agents, alerts] = await Promise.all([
    store.events.stats(orgId, {
      ...filter,
      from: floorTo(now, DAY_MS),
      to: hourEnd,
      bucket: 'hour',
    }),
    weekCost(store, orgId, stats, { ...filter, from: weekFrom, to: hourEnd, bucket: 'day' }),
    store.events.stats(orgId, { ...filter, from: hourEnd - DAY_MS, to: hourEnd, bucket: 'hour' }),
    store.events.agents(orgId, { environment: filter.environment }),
    store.control.listAlerts(orgId, { all: false, environment: filter.environment, limit: 10 }),
  ])
  const shown = filter.agent === undefined ? agents : agents.filter((a) => a.name === filter.agent)
  const inRange = await countsByEnvironment(store, orgId, stats, query, shown)
  return {
    totalActions: stats.totals.events,
    todayActions: today.totals.events,
    todayCostCents: usdToCents(today.cost_usd),
    weekCostCents: usdToCents(weekCostUsd),
    activeAgents: shown.filter((a) => a.status === 'active').length,
    totalAgents: shown.length,
    agents: shown.map((a: AgentSummary) => ({
      name: a.name,
      environment: a.environment,
      status: a.status,
      created_at: a.first_seen,
      total_actions: inRange.get(`${a.environment}\u0000${a.name}`)?.events ?? 0,
      total_cost_cents: usdToCents(inRange.get(`${a.environment}\u0000${a.name}`)?.cost_usd ?? 0),
      last_active_at: a.last_seen,
    })),
    errorCount: today.totals.error,
    blockedCount: today.totals.denied,
    serviceBreakdown: Object.fromEntries(
      today.by_service.map((s) => [s.service ?? 'unknown', s.events]),
    ),
    agentBreakdown: Object.fromEntries(today.by_agent.map((a) => [a.agent ?? 'unknown', a.events])),
    hourlyData: day.series.map((s) => ({
      hour: s.start.slice(11, 16),
      actions: s.events,
      cost: Math.round(s.cost_usd * 100) / 100,
    })),
    alerts: alerts.map((a) => ({ ...a, acknowledged: false })),
  }
}

/** The week's cost from the range's daily series when it covers the week, else from its own query. */
async function weekCost(
  store: Store,
  orgId: string,
  stats: Stats,
  week: StatsQuery,
): Promise<number> {
  const days =
    stats.bucket === 'day' ? stats.series.filter((s) => Date.parse(s.start) >= week.from) : []
  if (days.length === 7 && Date.parse(stats.from) <= week.from)
    return Number(days.reduce((sum, s) => sum + s.cost_usd, 0).toFixed(6))
  return (await store.events.stats(orgId, week)).cost_usd
}

/**
 * Each agent's counts over the range, per environment: an agent of the same name in production and
 * in staging is two agents. One stats query per environment shown (usually one to three).
 */
async function countsByEnvironment(
  store: Store,
  orgId: string,
  stats: Stats,
  query: StatsQuery,
  agents: AgentSummary[],
) {
  const environments =
    query.environment !== undefined
      ? [query.environment]
      : [...new Set(agents.map((a) => a.environment))]
  // With one environment, every agent's events are in it: the range's own counts are per environment.
  const perEnvironment = await Promise.all(
    environments.map(async (environment) => ({
      environment,
      stats:
        environments.length === 1
          ? stats
          : await store.events.stats(orgId, { ...query, environment }),
    })),
  )
  const counts = new Map<string, { events: number; cost_usd: number }>()
  for (const { environment, stats: s } of perEnvironment)
    for (const a of s.by_agent)
      if (a.agent !== null) counts.set(`${environment}\u0000${a.agent}`, a)
  return counts
}

/** AgentLedger's fields of `GET /api/v1/stats`, for the OpenAPI document. */
export const AgentLedgerStatsFields = {
  totalActions: z.number().describe('AgentLedger: events in the range (default 30 days).'),
  todayActions: z.number().describe('Since UTC midnight.'),
  todayCostCents: z.number(),
  weekCostCents: z.number().describe('The last 7 UTC days: today and the 6 before.'),
  activeAgents: z.number(),
  totalAgents: z.number(),
  agents: z.array(
    z.object({
      name: z.string(),
      environment: z.string(),
      status: z.string(),
      created_at: z.string(),
      total_actions: z.number(),
      total_cost_cents: z.number(),
      last_active_at: z.string(),
    }),
  ),
  errorCount: z.number().describe('Today.'),
  blockedCount: z.number().describe('Today.'),
  serviceBreakdown: z.record(z.string(), z.number()).describe('Today, events per service.'),
  agentBreakdown: z.record(z.string(), z.number()).describe('Today, events per agent.'),
  hourlyData: z
    .array(z.object({ hour: z.string(), actions: z.number(), cost: z.number() }))
    .describe('Last 24 hours, UTC.'),
  alerts: z.array(z.unknown()),
}
