import type { BudgetPeriod } from './budget-period.js'

/** A budget as stored. Limits in cents as AgentLedger spells them; counters are kept in micro-dollars. */
export interface BudgetRecord {
  id: string
  environment: string
  /** null: every agent of the environment together (an org-wide budget). */
  agent_name: string | null
  period: BudgetPeriod
  max_actions: number | null
  max_cost_cents: number | null
  created_at: string
  updated_at: string
}

/** A budget with its counters in the period holding the time asked about. */
export interface BudgetUsage extends BudgetRecord {
  period_start: string
  period_end: string
  current_actions: number
  current_cost_cents: number
  pct_actions: number | null
  pct_cost: number | null
  status: 'ok' | 'warning' | 'exceeded'
}

/** Share of a limit used, in percent with two decimals; null without a limit. */
export function percentUsed(used: number, limit: number | null): number | null {
  if (limit === null) return null
  return Math.round((used / limit) * 10_000) / 100
}

export function budgetStatus(
  pctActions: number | null,
  pctCost: number | null,
): BudgetUsage['status'] {
  const worst = Math.max(pctActions ?? 0, pctCost ?? 0)
  return worst >= 100 ? 'exceeded' : worst >= 75 ? 'warning' : 'ok'
}
