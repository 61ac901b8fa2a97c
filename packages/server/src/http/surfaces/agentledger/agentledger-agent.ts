import { actionLogFromEvent, usdToCents } from '@agenttrail/protocol'
import type { AgentSummary, Store } from '../../../store/store.js'
import { DAY_MS, HOUR_MS, floorTo } from '../../../store/time-buckets.js'

/**
 * AgentLedger's `GET /api/v1/agents/:name` fields (agentledger-wire.md §2.1), over the named
 * environment or all of them, computed in the database rather than by summing rows.
 */
export async function agentLedgerAgent(
  store: Store,
  orgId: string,
  name: string,
  environment: string | undefined,
  rows: AgentSummary[],
) {
  const now = Date.now()
  const [today, recent] = await Promise.all([
    store.events.stats(orgId, {
      agent: name,
      environment,
      from: floorTo(now, DAY_MS),
      to: floorTo(now, HOUR_MS) + HOUR_MS,
      bucket: 'hour',
    }),
    store.events.query(orgId, { agent: name, environment }, { limit: 10 }),
  ])
  const main = rows.find((r) => r.environment === 'production') ?? rows[0]
  return {
    status: main?.status ?? 'active',
    totalActions: rows.reduce((n, r) => n + r.events, 0),
    totalCostCents: usdToCents(rows.reduce((n, r) => n + r.cost_usd, 0)),
    todayActions: today.totals.events,
    todayCostCents: usdToCents(today.cost_usd),
    recentActions: recent.items.map(actionLogFromEvent),
  }
}
