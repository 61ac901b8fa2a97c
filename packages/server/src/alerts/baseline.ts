import { DAY_MS, HOUR_MS } from '../store/time-buckets.js'
import type { HourRow } from '../store/alert-model.js'
import { MAD_TO_SIGMA, mad, meanAndStddev, median } from './robust.js'

export const WEEK_MS = 7 * DAY_MS

/** How far back a baseline looks: four weeks of the same hour of the week. */
export const LOOKBACK_WEEKS = 4
export const LOOKBACK_MS = LOOKBACK_WEEKS * WEEK_MS
/** History a weekly baseline needs (three weeks); with less, the same hour of the last 7 days. */
export const WEEKLY_MIN_HISTORY_MS = 3 * WEEK_MS
/** No alert before a series has this many actions in the lookback (AgentLedger's documented 50)... */
export const MIN_ACTIONS = 50
/** ...on at least this many distinct UTC days. */
export const MIN_DAYS = 3
/** ...and a baseline of at least this many sample hours. */
export const MIN_SAMPLES = 3

export type BaselineMethod = 'hour_of_week' | 'hour_of_day'

/** The hour metrics a baseline is made for (the new-service check needs none). */
export const HOUR_METRICS = [
  'actions_per_hour',
  'error_rate',
  'cost_per_action',
  'duration',
  'denied_rate',
] as const
export type HourMetric = (typeof HOUR_METRICS)[number]

/**
 * The hours a window is compared with: the same hour of the week and the hours either side over
 * the last four weeks (up to 12), or, for an agent seen for less than three weeks, the same hour
 * and the hours either side over the last seven days (up to 21). Never hours before the agent's
 * first action: those say nothing about it.
 */
export function sampleHours(
  window: number,
  firstSeen: number,
): { method: BaselineMethod; buckets: number[] } {
  const first = Math.floor(firstSeen / HOUR_MS) * HOUR_MS
  const weekly = window - first >= WEEKLY_MIN_HISTORY_MS
  return {
    method: weekly ? 'hour_of_week' : 'hour_of_day',
    buckets: candidateHours(window, weekly).filter((b) => b >= first),
  }
}

function candidateHours(window: number, weekly: boolean): number[] {
  const step = weekly ? WEEK_MS : DAY_MS
  const buckets: number[] = []
  for (let k = 1; k <= (weekly ? LOOKBACK_WEEKS : 7); k++)
    for (const d of [-1, 0, 1]) buckets.push(window - k * step + d * HOUR_MS)
  return buckets
}

/** Every hour a pass may read for the windows starting at `windows`, whatever an agent's history. */
export function hoursToRead(windows: readonly number[]): number[] {
  const all = new Set<number>(windows)
  for (const w of windows)
    for (const weekly of [true, false]) for (const b of candidateHours(w, weekly)) all.add(b)
  return [...all].sort((a, b) => a - b)
}

/** A metric's baseline: the robust figures the detector uses, and the documented mean and σ. */
export interface MetricBaseline {
  metric: HourMetric
  method: BaselineMethod
  /** Sample hours the figures come from. */
  samples: number
  /** The centre: a count for actions, a rate for rates, USD or ms for cost and duration. */
  median: number
  /** The spread the score divides by, after the noise floors (in log units for cost and duration). */
  scale: number
  mad: number
  mean: number
  stddev: number
}

/** What one hour says for a metric: its value and how many actions it rests on. */
export function hourValue(
  metric: HourMetric,
  row: HourRow | undefined,
): { value: number; n: number } | undefined {
  const events = row?.events ?? 0
  switch (metric) {
    case 'actions_per_hour':
      return { value: events, n: events }
    case 'error_rate':
      return events > 0 ? { value: (row?.errors ?? 0) / events, n: events } : undefined
    case 'denied_rate':
      return events > 0 ? { value: (row?.denied ?? 0) / events, n: events } : undefined
    case 'cost_per_action':
      return events > 0 ? { value: (row?.cost_micros ?? 0) / events / 1e6, n: events } : undefined
    case 'duration': {
      const count = row?.duration_count ?? 0
      return count > 0 ? { value: (row?.duration_sum ?? 0) / count, n: count } : undefined
    }
  }
}

/** Cost and duration are heavy-tailed: they are compared in log units, floored at 10 %. */
export const isLogScaled = (m: HourMetric) => m === 'cost_per_action' || m === 'duration'
export const logOf = (v: number) => Math.log1p(v * 1000)

/**
 * The baseline of `metric` from the sample hours' rows (`rows` by bucket; a missing hour had no
 * action). Undefined when fewer than `MIN_SAMPLES` hours say anything about the metric.
 */
export function baselineOf(
  metric: HourMetric,
  method: BaselineMethod,
  buckets: readonly number[],
  rows: ReadonlyMap<number, HourRow>,
): MetricBaseline | undefined {
  const values: number[] = []
  for (const b of buckets) {
    const v = hourValue(metric, rows.get(b))
    if (v !== undefined) values.push(v.value)
  }
  if (values.length < MIN_SAMPLES) return undefined
  const centre = median(values)
  const { mean, stddev } = meanAndStddev(values)
  if (isLogScaled(metric)) {
    const logs = values.map(logOf)
    const spread = mad(logs)
    return {
      metric,
      method,
      samples: values.length,
      median: centre,
      scale: Math.max(MAD_TO_SIGMA * spread, 0.1),
      mad: mad(values),
      mean,
      stddev,
    }
  }
  const spread = mad(values)
  // Counts: Poisson noise (√median) and one action are the least a quiet hour varies by.
  const scale =
    metric === 'actions_per_hour'
      ? Math.max(MAD_TO_SIGMA * spread, Math.sqrt(centre), 1)
      : MAD_TO_SIGMA * spread
  return {
    metric,
    method,
    samples: values.length,
    median: centre,
    scale,
    mad: spread,
    mean,
    stddev,
  }
}
