import { describe, expect, it } from 'vitest'
import type { HourRow } from '../store/alert-model.js'
import { baselineOf, hoursToRead, sampleHours, WEEK_MS } from './baseline.js'
import { detect } from './detect.js'

const H = 3_600_000
const D = 86_400_000
const WINDOW = Date.UTC(2026, 10, 17, 14) // a Tuesday, 14:00 UTC

const row = (bucket: number, fields: Partial<HourRow>): HourRow => ({
  environment: 'production',
  agent: 'a',
  bucket,
  events: 0,
  errors: 0,
  denied: 0,
  duration_count: 0,
  duration_sum: 0,
  cost_micros: 0,
  ...fields,
})

/** Rows for the window's weekly sample hours with these event counts (and optional extras). */
function weekly(counts: number[], extra: (n: number) => Partial<HourRow> = () => ({})) {
  const { buckets } = sampleHours(WINDOW, 0)
  return new Map(
    buckets.map((b, i) => [b, row(b, { events: counts[i] ?? 0, ...extra(counts[i] ?? 0) })]),
  )
}

describe('baselines', () => {
  it('compares a window with the same hour of the week ±1 h over four weeks, or the last seven days for a newer agent', () => {
    const weeklyHours = sampleHours(WINDOW, 0)
    expect(weeklyHours.method).toBe('hour_of_week')
    expect(weeklyHours.buckets).toHaveLength(12)
    expect(weeklyHours.buckets).toContain(WINDOW - WEEK_MS)
    expect(weeklyHours.buckets).toContain(WINDOW - 4 * WEEK_MS + H)
    const daily = sampleHours(WINDOW, WINDOW - 10 * D)
    expect(daily.method).toBe('hour_of_day')
    expect(daily.buckets).toHaveLength(21)
    // Never hours before the agent's first action.
    const young = sampleHours(WINDOW, WINDOW - 2 * D + 30 * 60_000)
    expect(young.buckets.every((b) => b >= WINDOW - 2 * D)).toBe(true)
    // One read covers every agent's sample hours, whatever its history.
    const all = hoursToRead([WINDOW])
    for (const b of [...weeklyHours.buckets, ...daily.buckets]) expect(all).toContain(b)
  })

  it('floors the spread of a quiet count at its Poisson noise', () => {
    const b = baselineOf(
      'actions_per_hour',
      'hour_of_week',
      sampleHours(WINDOW, 0).buckets,
      weekly(Array(12).fill(4)),
    )
    expect(b).toMatchObject({ median: 4, mad: 0, scale: 2 })
    // Hours with no row had no action: they count as zero, not as missing.
    const sparse = baselineOf(
      'actions_per_hour',
      'hour_of_week',
      sampleHours(WINDOW, 0).buckets,
      weekly([1, 1]),
    )
    expect(sparse).toMatchObject({ median: 0, samples: 12, scale: 1 })
  })
})

describe('the detectors', () => {
  const buckets = sampleHours(WINDOW, 0).buckets
  it('scores counts with a noise floor and an absolute excess', () => {
    const b = baselineOf(
      'actions_per_hour',
      'hour_of_week',
      buckets,
      weekly([58, 61, 55, 60, 64, 57, 59, 62, 60, 56, 63, 60]),
    )!
    expect(detect('actions_per_hour', b, row(WINDOW, { events: 66 })).level).toBe('none')
    const spike = detect('actions_per_hour', b, row(WINDOW, { events: 180 }))
    expect(spike).toMatchObject({ level: 'critical', extreme: true })
    // A quiet agent: 0 usual, 4 now is below the absolute excess of 5.
    const quiet = baselineOf('actions_per_hour', 'hour_of_week', buckets, weekly([]))!
    expect(detect('actions_per_hour', quiet, row(WINDOW, { events: 4 })).level).toBe('none')
    // Fewer actions than usual is not news.
    expect(detect('actions_per_hour', b, row(WINDOW, { events: 2 })).level).toBe('none')
  })

  it('tests rates with the binomial tail, so volume counts', () => {
    const b = baselineOf(
      'error_rate',
      'hour_of_week',
      buckets,
      weekly(Array(12).fill(100), () => ({ errors: 1 })),
    )!
    expect(b.median).toBeCloseTo(0.01)
    // One failure in two actions: too few actions to say anything.
    expect(detect('error_rate', b, row(WINDOW, { events: 2, errors: 1 })).level).toBe('none')
    // 4 of 100 at a usual 1 %: P ≈ 0.018, not unusual enough.
    expect(detect('error_rate', b, row(WINDOW, { events: 100, errors: 4 })).level).toBe('none')
    // 8 of 100: P ≈ 2e-5, a warning; 15 of 100: extreme.
    expect(detect('error_rate', b, row(WINDOW, { events: 100, errors: 8 })).level).toBe('warning')
    expect(detect('error_rate', b, row(WINDOW, { events: 100, errors: 15 }))).toMatchObject({
      level: 'critical',
      extreme: true,
    })
  })

  it('compares cost and duration in log units and needs ten actions and one and a half times the usual', () => {
    const usual = (n: number) => ({ duration_count: n, duration_sum: n * 300 })
    const b = baselineOf('duration', 'hour_of_week', buckets, weekly(Array(12).fill(50), usual))!
    expect(b.median).toBe(300)
    const slow = (count: number, ms: number) =>
      row(WINDOW, { events: count, duration_count: count, duration_sum: count * ms })
    expect(detect('duration', b, slow(5, 3000)).level).toBe('none')
    expect(detect('duration', b, slow(50, 420)).level).toBe('none')
    expect(detect('duration', b, slow(50, 3000))).toMatchObject({
      level: 'critical',
      extreme: true,
    })
  })
})
