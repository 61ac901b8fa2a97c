import type { AlertRule, AnomalyMetric, RuleScope, ThresholdMetric } from '../store/alert-model.js'
import type { Look } from './lifecycle.js'
import type { MetricBaseline } from './baseline.js'
import type { Verdict } from './detect.js'

/** What the words of an alert need besides the verdict. */
export interface Detail {
  baseline?: MetricBaseline
  service?: { name: string; kind: string | null }
  /** Actions in the window (for rates: the denominator). */
  events?: number
  failures?: number
}

/** The alert type of each anomaly (AgentLedger's `cost_anomaly`, `duration_anomaly`, `new_service`). */
const ANOMALY_TYPES: Record<AnomalyMetric, string> = {
  actions_per_hour: 'actions_anomaly',
  error_rate: 'error_rate_anomaly',
  cost_per_action: 'cost_anomaly',
  duration: 'duration_anomaly',
  denied_rate: 'denied_rate_anomaly',
  new_service: 'new_service',
}

const percent = (v: number) => `${(v * 100).toFixed(v < 0.1 ? 1 : 0)}%`
const usd = (v: number) => `$${v < 1 ? v.toPrecision(3) : v.toFixed(2)}`
const ms = (v: number) => `${Math.round(v).toLocaleString('en-US')} ms`
const hourOf = (t: number) => new Date(t).toISOString().slice(11, 16)

function show(metric: AnomalyMetric | ThresholdMetric, v: number): string {
  switch (metric) {
    case 'error_rate':
    case 'denied_rate':
      return percent(v)
    case 'cost_per_action':
    case 'cost':
      return usd(v)
    case 'duration':
    case 'latency_p95':
      return ms(v)
    default:
      return String(Math.round(v * 100) / 100)
  }
}

const LABELS: Record<AnomalyMetric | ThresholdMetric, string> = {
  actions_per_hour: 'actions',
  actions: 'actions',
  error_rate: 'error rate',
  denied_rate: 'denied rate',
  cost_per_action: 'cost per action',
  cost: 'cost',
  duration: 'mean duration',
  latency_p95: 'p95 latency',
  new_service: 'new service',
}

const where = (s: RuleScope) =>
  [
    s.agent ?? (s.environment === null ? 'All agents' : 'Agents'),
    s.environment && `in ${s.environment}`,
  ]
    .filter(Boolean)
    .join(' ')

/**
 * What an alert says: its type, a sentence a person on call can act on, and the figures behind it
 * (`metadata`: the rule, the value, what was expected, the window, the baseline or thresholds).
 */
export function alertWords(
  rule: AlertRule,
  scope: RuleScope,
  verdict: Verdict,
  look: Look,
  detail: Detail | undefined,
): { alert_type: string; message: string; metadata: Record<string, unknown> } {
  const window = { from: new Date(look.from).toISOString(), to: new Date(look.to).toISOString() }
  const common = {
    rule: { id: rule.id, name: rule.name, type: rule.type, metric: rule.metric },
    ...(scope.agent !== null && { agent: scope.agent }),
    ...(scope.environment !== null && { environment: scope.environment }),
    value: verdict.value,
    expected: verdict.expected,
    score: verdict.score === null ? null : Math.round(verdict.score * 100) / 100,
    window,
    ...(detail?.events !== undefined && { events: detail.events }),
  }
  const value = verdict.value ?? 0
  if (rule.type === 'threshold') {
    const sign = rule.operator === 'above' ? 'above' : 'below'
    const shown =
      verdict.value === null ? 'no actions' : `${LABELS[rule.metric]} ${show(rule.metric, value)}`
    const limit =
      verdict.expected === null ? '' : ` (limit: ${sign} ${show(rule.metric, verdict.expected)})`
    return {
      alert_type: `${rule.metric}_threshold`,
      message: `${rule.name}: ${where(scope)}: ${shown} over the last ${rule.window_minutes} minutes${limit}`,
      metadata: {
        ...common,
        threshold: {
          operator: rule.operator,
          warning: rule.warning,
          alert: rule.alert,
          window_minutes: rule.window_minutes,
          min_actions: rule.min_actions,
          no_data: rule.no_data,
        },
        ...(scope.service !== null && { service: scope.service }),
      },
    }
  }
  const span = look.closed
    ? `in the hour from ${hourOf(look.from)} UTC`
    : `since ${hourOf(look.from)} UTC`
  if (rule.metric === 'new_service') {
    const service = detail?.service?.name ?? scope.service ?? ''
    const tool = detail?.service?.kind === 'tool_call'
    return {
      alert_type: tool ? 'new_tool' : 'new_service',
      message: `${where(scope)} used ${tool ? 'tool' : 'service'} "${service}" for the first time in 4 weeks (${value} actions ${span})`,
      metadata: { ...common, service, kind: detail?.service?.kind ?? null },
    }
  }
  const b = detail?.baseline
  const usual = verdict.expected === null ? 'unknown' : show(rule.metric, verdict.expected)
  const rate =
    (rule.metric === 'error_rate' || rule.metric === 'denied_rate') && detail?.events
      ? ` (${detail.failures ?? 0} of ${detail.events} actions)`
      : ''
  return {
    alert_type: ANOMALY_TYPES[rule.metric],
    message: `${where(scope)}: ${LABELS[rule.metric]} ${show(rule.metric, value)}${rate} ${span}, against a usual ${usual}`,
    metadata: {
      ...common,
      ...(b && {
        baseline: {
          method: b.method,
          samples: b.samples,
          median: b.median,
          scale: b.scale,
          mean: b.mean,
          stddev: b.stddev,
        },
      }),
    },
  }
}
