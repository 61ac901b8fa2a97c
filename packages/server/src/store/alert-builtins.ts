import type { AlertRule, AnomalyMetric, RuleScope } from './alert-model.js'

const EVERYWHERE: RuleScope = { environment: null, agent: null, service: null }

const ANOMALY_NAMES: Record<AnomalyMetric, string> = {
  actions_per_hour: 'Unusual number of actions',
  error_rate: 'Unusual error rate',
  cost_per_action: 'Unusual cost per action',
  duration: 'Unusual duration',
  denied_rate: 'Unusual denied rate',
  new_service: 'Service or tool never used before',
}

/** The id of the anomaly detector of a metric: `anomaly-error-rate`. */
export const anomalyRuleId = (metric: AnomalyMetric) => `anomaly-${metric.replaceAll('_', '-')}`

/** Logwick's promise, an alert "when error rates spike", as a rule every org has. */
export const ERROR_RATE_SPIKE = 'error-rate-spike'

/**
 * The rules every org starts with (created on first use, with fixed ids): one anomaly detector per
 * metric, and the error-rate spike rule (per agent, over 15 minutes, warning above 25 %, alert
 * above 50 %, at least 10 actions). Each can be changed or disabled, not deleted.
 */
export function builtinRules(now: number): AlertRule[] {
  const at = new Date(now).toISOString()
  const common = { enabled: true, builtin: true, scope: EVERYWHERE, created_at: at, updated_at: at }
  const anomalies: AlertRule[] = (Object.keys(ANOMALY_NAMES) as AnomalyMetric[]).map((metric) => ({
    ...common,
    id: anomalyRuleId(metric),
    name: ANOMALY_NAMES[metric],
    type: 'anomaly',
    metric,
  }))
  return [
    ...anomalies,
    {
      ...common,
      id: ERROR_RATE_SPIKE,
      name: 'Error rate spike',
      type: 'threshold',
      metric: 'error_rate',
      group_by: 'agent',
      window_minutes: 15,
      operator: 'above',
      warning: 0.25,
      alert: 0.5,
      min_actions: 10,
      no_data: 'ok',
    },
  ]
}
