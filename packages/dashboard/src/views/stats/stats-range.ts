import type { Query } from '../../api/client'

const DAY_MS = 86_400_000

/** The ranges the Stats view offers; `custom` reads `from` and `to` (YYYY-MM-DD) from the URL. */
export const RANGES = [
  { value: '24h', label: 'Last 24 hours' },
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
  { value: 'custom', label: 'Custom dates' },
] as const

export type RangeValue = (typeof RANGES)[number]['value']

export const DEFAULT_RANGE: RangeValue = '7d'

export function parseRange(value: string | undefined): RangeValue {
  return RANGES.some((r) => r.value === value) ? (value as RangeValue) : DEFAULT_RANGE
}

/**
 * The `/api/v1/stats` parameters of a range. Preset ranges count whole hours back from now (the
 * API's `days`); custom dates are whole UTC days, `to` included. Hourly points up to a week, daily
 * beyond, so a chart has between 24 and a few hundred points.
 */
export function rangeQuery(
  range: RangeValue,
  from: string | undefined,
  to: string | undefined,
): Query | { error: string } {
  if (range === '24h') return { days: 1, bucket: 'hour' }
  if (range === '7d') return { days: 7, bucket: 'hour' }
  if (range === '30d') return { days: 30, bucket: 'day' }
  if (!from || !to) return { error: 'Choose both dates of the custom range.' }
  const start = Date.parse(`${from}T00:00:00Z`)
  const end = Date.parse(`${to}T00:00:00Z`) + DAY_MS
  if (Number.isNaN(start) || Number.isNaN(end)) return { error: 'The dates must be YYYY-MM-DD.' }
  if (start >= end) return { error: 'The start date must not be after the end date.' }
  return {
    from: new Date(start).toISOString(),
    to: new Date(end).toISOString(),
    bucket: end - start <= 7 * DAY_MS ? 'hour' : 'day',
  }
}
