import type { HourRow, Severity } from '../store/alert-model.js'
import type { HourMetric, MetricBaseline } from './baseline.js'
import { hourValue, isLogScaled, logOf } from './baseline.js'
import { binomialUpperTail, poissonUpperTail } from './robust.js'

/** What one window says about one series. */
export interface Verdict {
  /** `none`: quiet. A breach moves the series towards firing. */
  level: 'none' | Severity
  /** So far off that the alert fires at once, without waiting for a second window. */
  extreme: boolean
  value: number | null
  /** What the baseline expected (its median), or the rule's threshold. */
  expected: number | null
  /** Robust z-score (counts, cost, duration) or −log10 of the binomial tail (rates). */
  score: number | null
}

export const QUIET: Verdict = {
  level: 'none',
  extreme: false,
  value: null,
  expected: null,
  score: null,
}

/** Score thresholds (robust z): pending as a warning, pending as critical, fire at once. */
export const WARNING_Z = 3.5
export const CRITICAL_Z = 5
export const EXTREME_Z = 8
/** A count must exceed its median by at least this many actions (by twice as many to be extreme). */
export const MIN_EXCESS = 5
/** Rates: the window needs this many actions and failures before the binomial test is asked. */
export const RATE_MIN_ACTIONS = 20
export const RATE_MIN_FAILURES = 5
/** Rates: the baseline rate is floored here, so a clean history does not make one failure news. */
export const RATE_FLOOR = 0.01
export const WARNING_P = 1e-3
export const CRITICAL_P = 1e-6
export const EXTREME_P = 1e-12
/** Cost and duration: the window's hourly mean needs this many actions. */
export const MEAN_MIN_ACTIONS = 10

/**
 * Scores one window of one series against its baseline (ALERTS.md §4, the recommended rule):
 * - actions per hour: robust z over a Poisson noise floor, with an absolute excess of 5, and a
 *   count unlikely (P < 0.001) as Poisson noise around the usual level;
 * - error and denied rates: the one-sided binomial tail of the window's failures at the baseline
 *   rate (floored at 1 %), so volume counts: one failure of two actions never fires;
 * - cost per action and duration: robust z in log units (floored at 10 %), at least 10 actions,
 *   at least 1.5 times the baseline.
 * Only upward moves are news: fewer actions or cheaper calls do not alert.
 */
export function detect(metric: HourMetric, b: MetricBaseline, row: HourRow | undefined): Verdict {
  const v = hourValue(metric, row)
  if (v === undefined) return QUIET
  const seen = { value: v.value, expected: b.median }
  switch (metric) {
    case 'actions_per_hour': {
      const excess = v.value - b.median
      const score = excess / b.scale
      if (excess < MIN_EXCESS) return { ...QUIET, ...seen, score }
      // Small counts are skewed: the count must also be unlikely as Poisson noise around the
      // usual level (the larger of median and mean, which a median of a few actions understates).
      if (poissonUpperTail(v.value, Math.max(b.median, b.mean)) >= WARNING_P)
        return { ...QUIET, ...seen, score }
      const extreme =
        excess >= 2 * MIN_EXCESS && (score > EXTREME_Z || v.value > 10 * Math.max(b.median, 1))
      return { ...seen, score, extreme, level: levelOf(score, extreme) }
    }
    case 'error_rate':
    case 'denied_rate': {
      const failures = Math.round(v.value * v.n)
      const p = Math.max(b.median, RATE_FLOOR)
      // What the test assumed: the baseline's rate after its floor.
      const rated = { value: v.value, expected: p }
      if (v.n < RATE_MIN_ACTIONS || failures < RATE_MIN_FAILURES) return { ...QUIET, ...rated }
      const tail = binomialUpperTail(v.n, failures, p)
      const score = tail > 0 ? -Math.log10(tail) : 300
      const level = tail < CRITICAL_P ? 'critical' : tail < WARNING_P ? 'warning' : 'none'
      const extreme = tail < EXTREME_P && v.value >= 10 * p
      return { ...rated, score, extreme, level: extreme ? 'critical' : level }
    }
    case 'cost_per_action':
    case 'duration': {
      if (!isLogScaled(metric) || v.n < MEAN_MIN_ACTIONS || b.median <= 0)
        return { ...QUIET, ...seen }
      const score = (logOf(v.value) - logOf(b.median)) / b.scale
      if (v.value < 1.5 * b.median) return { ...QUIET, ...seen, score }
      const extreme = score > EXTREME_Z && v.value >= 10 * b.median
      return { ...seen, score, extreme, level: levelOf(score, extreme) }
    }
  }
}

function levelOf(score: number, extreme: boolean): Verdict['level'] {
  if (extreme || score > CRITICAL_Z) return 'critical'
  return score > WARNING_Z ? 'warning' : 'none'
}
