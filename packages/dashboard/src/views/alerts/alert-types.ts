/** Shapes of the watch stage's answers (`/api/v1/alert-rules`, `/api/v1/baselines`). */

export const THRESHOLD_METRICS = [
  'error_rate',
  'actions',
  'cost',
  'latency_p95',
  'denied_rate',
] as const
export type ThresholdMetric = (typeof THRESHOLD_METRICS)[number]
export const NO_DATA_MODES = ['zero', 'ok', 'keep', 'alert'] as const

export interface RuleScope {
  environment: string | null
  agent: string | null
  service: string | null
}

interface RuleBase {
  id: string
  name: string
  enabled: boolean
  /** Made by the server for every org: it can be changed and disabled, not deleted. */
  builtin: boolean
  scope: RuleScope
  created_at: string
  updated_at: string
}

export interface AnomalyRule extends RuleBase {
  type: 'anomaly'
  metric: string
}

export interface ThresholdRule extends RuleBase {
  type: 'threshold'
  metric: ThresholdMetric
  group_by: 'agent' | 'none'
  window_minutes: number
  operator: 'above' | 'below'
  warning: number | null
  alert: number
  min_actions: number
  no_data: (typeof NO_DATA_MODES)[number]
}

export type AlertRule = AnomalyRule | ThresholdRule

export interface BaselineMetric {
  mean: number
  stddev: number
  median: number
  mad: number
  scale: number
  samples: number
}

export interface Baseline {
  agent: string
  environment: string
  /** `learning` until 50 actions on 3 distinct UTC days in the last four weeks. */
  status: 'learning' | 'ready'
  method: 'hour_of_week' | 'hour_of_day' | null
  hour: string
  history: { first_seen: string; actions: number; days: number }
  metrics: Record<string, BaselineMetric>
}

/** What a baseline needs before it is ready (the server's rule, shown as progress). */
export const READY_AFTER = { actions: 50, days: 3 } as const

/** Rates are fractions (0.25 is 25 %); cost is USD; latency is ms. */
export const isRate = (metric: string) => metric === 'error_rate' || metric === 'denied_rate'
