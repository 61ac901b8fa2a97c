import { budgetPeriod } from '../control/budget-period.js'
import type { BudgetPeriod } from '../control/budget-period.js'
import { budgetStatus, percentUsed } from '../control/budget-record.js'
import type { BudgetRecord, BudgetUsage } from '../control/budget-record.js'
import type { PolicyRecord, RuleConfig, RuleType } from '../control/policy-rules.js'
import type { AlertRecord, ApprovalRecord, ApprovalStatus } from './control-store.js'

/** Control-plane rows as both dialects return them (numbers may come back as strings from PostgreSQL). */
type Num = number | string
const num = (v: Num) => Number(v)
const optNum = (v: Num | null) => (v === null ? null : Number(v))
const iso = (v: Num) => new Date(Number(v)).toISOString()
const optIso = (v: Num | null) => (v === null ? null : iso(v))

export interface PolicyRow {
  id: string
  name: string | null
  agent_name: string | null
  environment: string | null
  rule_type: string
  rule_config: string
  enabled: number | boolean
  priority: Num
  created_at: Num
  updated_at: Num
}

export const policyFromRow = (r: PolicyRow): PolicyRecord => ({
  id: r.id,
  name: r.name,
  agent_name: r.agent_name,
  environment: r.environment,
  rule_type: r.rule_type as RuleType,
  rule_config: JSON.parse(r.rule_config) as RuleConfig,
  enabled: r.enabled === true || r.enabled === 1,
  priority: num(r.priority),
  created_at: iso(r.created_at),
  updated_at: iso(r.updated_at),
})

export interface BudgetRow {
  id: string
  environment: string
  agent_name: string
  period: string
  max_actions: Num | null
  max_cost_cents: Num | null
  created_at: Num
  updated_at: Num
}

export const budgetFromRow = (r: BudgetRow): BudgetRecord => ({
  id: r.id,
  environment: r.environment,
  agent_name: r.agent_name === '' ? null : r.agent_name,
  period: r.period as BudgetPeriod,
  max_actions: optNum(r.max_actions),
  max_cost_cents: optNum(r.max_cost_cents),
  created_at: iso(r.created_at),
  updated_at: iso(r.updated_at),
})

/** A budget with the counters of the period holding `now` (zero when that period has none yet). */
export function budgetWithUsage(
  b: BudgetRecord,
  counters: { actions: Num; cost_micros: Num } | undefined,
  now: number,
): BudgetUsage {
  const { start, end } = budgetPeriod(b.period, now)
  const actions = counters ? num(counters.actions) : 0
  const costCents = counters ? num(counters.cost_micros) / 10_000 : 0
  const pctActions = percentUsed(actions, b.max_actions)
  const pctCost = percentUsed(costCents, b.max_cost_cents)
  return {
    ...b,
    period_start: new Date(start).toISOString(),
    period_end: new Date(end).toISOString(),
    current_actions: actions,
    current_cost_cents: costCents,
    pct_actions: pctActions,
    pct_cost: pctCost,
    status: budgetStatus(pctActions, pctCost),
  }
}

export interface ApprovalRow {
  id: string
  environment: string
  agent: string
  service: string
  action: string
  input_hash: string
  input: string | null
  cost_micros: Num | null
  policy_id: string | null
  status: string
  requested_at: Num
  expires_at: Num
  requested_by: string | null
  decided_at: Num | null
  decided_by: string | null
  decided_by_name: string | null
  note: string | null
  used_at: Num | null
  event_id: string | null
}

/** A pending approval past its expiry reads as `expired`, whether or not that was written yet. */
export const approvalFromRow = (r: ApprovalRow, now: number): ApprovalRecord => ({
  id: r.id,
  environment: r.environment,
  agent_name: r.agent,
  service: r.service === '' ? null : r.service,
  action: r.action === '' ? null : r.action,
  input_hash: r.input_hash,
  input: r.input === null ? null : (JSON.parse(r.input) as unknown),
  cost_cents: r.cost_micros === null ? null : num(r.cost_micros) / 10_000,
  policy_id: r.policy_id,
  status: (r.status === 'pending' && num(r.expires_at) <= now
    ? 'expired'
    : r.status) as ApprovalStatus,
  requested_at: iso(r.requested_at),
  expires_at: iso(r.expires_at),
  requested_by: r.requested_by,
  decided_at: optIso(r.decided_at),
  decided_by: r.decided_by,
  decided_by_name: r.decided_by_name,
  note: r.note,
  used_at: optIso(r.used_at),
  event_id: r.event_id,
})

export interface AlertRow {
  id: string
  environment: string
  agent_name: string | null
  alert_type: string
  severity: string
  message: string
  metadata: string
  acknowledged_at: Num | null
  created_at: Num
  state: string
  rule_id: string | null
  series: string | null
  history: string
  updated_at: Num | null
  resolved_at: Num | null
}

export const alertFromRow = (r: AlertRow): AlertRecord => ({
  id: r.id,
  environment: r.environment,
  agent_name: r.agent_name,
  alert_type: r.alert_type,
  severity: r.severity as AlertRecord['severity'],
  message: r.message,
  metadata: JSON.parse(r.metadata) as Record<string, unknown>,
  acknowledged_at: optIso(r.acknowledged_at),
  created_at: iso(r.created_at),
  state: r.state as AlertRecord['state'],
  rule_id: r.rule_id,
  series: r.series,
  history: JSON.parse(r.history) as AlertRecord['history'],
  updated_at: iso(r.updated_at ?? r.created_at),
  resolved_at: optIso(r.resolved_at),
})

/** Columns of each table, for SELECTs in both dialects. */
export const POLICY_COLUMNS =
  'id, name, agent_name, environment, rule_type, rule_config, enabled, priority, created_at, updated_at'
export const BUDGET_COLUMNS =
  'id, environment, agent_name, period, max_actions, max_cost_cents, created_at, updated_at'
export const APPROVAL_COLUMNS =
  'id, environment, agent, service, action, input_hash, input, cost_micros, policy_id, status, requested_at, expires_at, requested_by, decided_at, decided_by, decided_by_name, note, used_at, event_id'
export const ALERT_COLUMNS =
  'id, environment, agent_name, alert_type, severity, message, metadata, acknowledged_at, created_at, state, rule_id, series, history, updated_at, resolved_at'
