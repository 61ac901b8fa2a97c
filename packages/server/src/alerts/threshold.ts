import { histogramQuantile } from '../store/latency-buckets.js'
import type { ThresholdRule, WindowTotals } from '../store/alert-model.js'
import type { Verdict } from './detect.js'
import { QUIET } from './detect.js'

/**
 * The value a threshold rule compares, from a window's totals: rates as fractions, cost in USD,
 * latency p95 in ms (from the log-bucket histogram, within 5 %). Undefined when the window says
 * nothing: no action at all, too few actions for a rate, or no duration for the latency.
 */
export function ruleValue(rule: ThresholdRule, t: WindowTotals | undefined): number | undefined {
  const events = t?.events ?? 0
  switch (rule.metric) {
    case 'actions':
      return events
    case 'cost':
      return (t?.cost_micros ?? 0) / 1e6
    case 'error_rate':
    case 'denied_rate':
      if (events === 0 || events < rule.min_actions) return undefined
      return (rule.metric === 'error_rate' ? (t?.errors ?? 0) : (t?.denied ?? 0)) / events
    case 'latency_p95':
      return t && t.latency.size > 0 ? (histogramQuantile(t.latency, 0.95) ?? undefined) : undefined
  }
}

/**
 * A threshold rule's verdict on one window: critical past `alert`, warning past `warning`, extreme
 * (fires at once) at twice the alert threshold (half of it for `below`). A window with no action
 * at all follows the rule's `no_data`: `zero` judges it as zero actions, `ok` is quiet, `alert` is a
 * critical breach, and `keep` (undefined here) leaves the series as it is.
 */
export function thresholdVerdict(
  rule: ThresholdRule,
  t: WindowTotals | undefined,
): Verdict | undefined {
  const empty = (t?.events ?? 0) === 0
  if (empty) {
    if (rule.no_data === 'keep') return undefined
    if (rule.no_data === 'ok') return QUIET
    if (rule.no_data === 'alert')
      return { level: 'critical', extreme: false, value: null, expected: rule.alert, score: null }
  }
  const value = ruleValue(rule, t)
  if (value === undefined) return QUIET
  const past = (threshold: number) =>
    rule.operator === 'above' ? value > threshold : value < threshold
  const extreme =
    rule.operator === 'above'
      ? rule.alert > 0 && value >= 2 * rule.alert
      : value <= rule.alert / 2 && value < rule.alert
  const level = past(rule.alert)
    ? 'critical'
    : rule.warning !== null && past(rule.warning)
      ? 'warning'
      : 'none'
  return {
    level,
    extreme: level === 'critical' && extreme,
    value,
    expected: level === 'warning' ? rule.warning : rule.alert,
    score: null,
  }
}
