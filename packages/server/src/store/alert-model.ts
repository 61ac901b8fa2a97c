/**
 * The watch stage's model: alert rules, the state of each series a rule watches, and what the
 * evaluator reads from the rollups. Declared here and implemented by the stores
 * (store/alert-store.ts is the seam that keeps them).
 */

/** The metrics the anomaly detectors watch, per environment and agent. */
export const ANOMALY_METRICS = [
  'actions_per_hour',
  'error_rate',
  'cost_per_action',
  'duration',
  'denied_rate',
  'new_service',
] as const
export type AnomalyMetric = (typeof ANOMALY_METRICS)[number]

/** The metrics a threshold rule can compare. Rates are fractions (0.25 is 25 %). */
export const THRESHOLD_METRICS = [
  'error_rate',
  'actions',
  'cost',
  'latency_p95',
  'denied_rate',
] as const
export type ThresholdMetric = (typeof THRESHOLD_METRICS)[number]

/** What a window without a single action means for a threshold rule. */
export const NO_DATA_MODES = ['zero', 'ok', 'keep', 'alert'] as const
export type NoDataMode = (typeof NO_DATA_MODES)[number]

export type Severity = 'warning' | 'critical'

export interface RuleScope {
  environment: string | null
  agent: string | null
  service: string | null
}

interface RuleBase {
  id: string
  name: string
  enabled: boolean
  /** Made by the server for every org: it can be changed or disabled, not deleted. */
  builtin: boolean
  scope: RuleScope
  created_at: string
  updated_at: string
}

/** A built-in detector: one per anomaly metric, per environment and agent. */
export interface AnomalyRule extends RuleBase {
  type: 'anomaly'
  metric: AnomalyMetric
}

/** A fixed limit: Langfuse-style, warning and alert thresholds over a sliding window. */
export interface ThresholdRule extends RuleBase {
  type: 'threshold'
  metric: ThresholdMetric
  /** One series per environment and agent (`agent`) or one for the whole scope (`none`). */
  group_by: 'agent' | 'none'
  window_minutes: number
  operator: 'above' | 'below'
  warning: number | null
  alert: number
  /** Rates only: a window with fewer actions is quiet, however many failed. */
  min_actions: number
  no_data: NoDataMode
}

export type AlertRule = AnomalyRule | ThresholdRule

/** A threshold rule as created: what the server assigns left out. */
export type NewThresholdRule = Omit<
  ThresholdRule,
  'id' | 'builtin' | 'created_at' | 'updated_at'
> & { id?: string }

/** The fields a change may carry (an anomaly rule takes `name` and `enabled` only). */
export type RulePatch = Partial<Omit<NewThresholdRule, 'id' | 'type'>>

/** Where a series stands. `ok` series have no row. */
export type SeriesStateName = 'pending' | 'firing' | 'recovering'

/** One step of an alert's life, kept on the alert (its history) and recorded in the trail. */
export interface AlertTransition {
  state: 'pending' | 'firing' | 'escalated' | 'recovering' | 'refiring' | 'resolved' | 'cleared'
  at: string
  severity: Severity
  value: number | null
  /** The window the verdict was about (ISO 8601 start and end). */
  window: { from: string; to: string }
}

/** The state of one series of one rule that is not ok. */
export interface SeriesState {
  rule_id: string
  /** Identifies the series within the rule: JSON of [environment, agent, service]. */
  series: string
  environment: string | null
  agent: string | null
  service: string | null
  state: SeriesStateName
  severity: Severity
  /** Consecutive quiet windows while recovering. */
  quiet: number
  /** The start of the last window a verdict moved this series on (Unix ms). */
  last_window: number
  /** The open alert (firing, recovering) or the one-to-be (pending: its id, not stored yet). */
  alert_id: string
  /** When the series left ok (Unix ms). */
  since: number
  /** Moves on with every change: a change is applied only over the step it was computed from. */
  step: number
  /** The transitions so far, copied to the alert when it fires. */
  history: AlertTransition[]
  /** The alert as raised (null while pending): what its later records repeat. */
  alert: AlertSnapshot | null
}

/** What an alert says when it fires; later steps change its state, not its words. */
export interface AlertSnapshot {
  alert_type: string
  message: string
  metadata: Record<string, unknown>
  created_at: number
}

/**
 * One series moved on by an evaluation: its state after (`null`: back to ok, row removed), the
 * alert to create or update, and the step it was computed over (0 for a series that had no row).
 */
export interface SeriesChange {
  rule_id: string
  series: string
  fromStep: number
  next: SeriesState | null
  /** Created when the series fires; updated on escalation, recovery, re-firing and resolution. */
  alert?: AlertUpsert
}

export interface AlertUpsert {
  /** `create` inserts the row; `update` changes its state, severity, history, words and times. */
  op: 'create' | 'update'
  id: string
  environment: string
  agent_name: string | null
  alert_type: string
  severity: Severity
  message: string
  metadata: Record<string, unknown>
  /** `pending` only in the records of a series that has not fired (no row is stored for it). */
  state: 'pending' | 'firing' | 'resolved'
  rule_id: string
  series: string
  history: AlertTransition[]
  created_at: number
  updated_at: number
  resolved_at: number | null
}

/** One hour of one agent's activity, from the hourly rollups. */
export interface HourRow {
  environment: string
  agent: string
  /** Start of the UTC hour, Unix ms. */
  bucket: number
  events: number
  errors: number
  denied: number
  duration_count: number
  duration_sum: number
  cost_micros: number
}

/** An agent's activity over the last weeks: how much and on how many UTC days. */
export interface AgentHistory {
  environment: string
  agent: string
  first_seen: number
  events: number
  days: number
}

/** A service an agent used in a window and not in the weeks before it. */
export interface NewServiceRow {
  environment: string
  agent: string
  service: string
  events: number
  /** The kind of the window's first event with this service (`tool_call` for a tool). */
  kind: string | null
}

/** The totals of one series over a threshold rule's window. */
export interface WindowTotals {
  environment: string | null
  agent: string | null
  events: number
  errors: number
  denied: number
  cost_micros: number
  /** Latency histogram (latency-buckets.ts bucket → events). */
  latency: Map<number, number>
}

export interface WindowQuery {
  from: number
  to: number
  scope: RuleScope
  groupByAgent: boolean
  /** Read the latency histogram too (latency p95 rules; not with a service scope). */
  latency: boolean
}
