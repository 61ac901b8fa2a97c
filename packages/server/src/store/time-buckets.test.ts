import { describe, expect, it } from 'vitest'
import { latencyBucket, bucketUpperBound, histogramQuantile } from './latency-buckets.js'
import { DAY_MS, HOUR_MS, splitRange } from './time-buckets.js'

describe('splitRange', () => {
  const d0 = Date.parse('2026-01-01T00:00:00Z')
  it('covers the range exactly once with days, hours and raw edges', () => {
    const from = d0 + 5 * HOUR_MS + 1_234
    const to = d0 + 3 * DAY_MS + 2 * HOUR_MS + 99
    const parts = splitRange(from, to)
    expect(parts.days).toEqual([d0 + DAY_MS, d0 + 3 * DAY_MS])
    expect(parts.hours).toEqual([
      [d0 + 6 * HOUR_MS, d0 + DAY_MS],
      [d0 + 3 * DAY_MS, d0 + 3 * DAY_MS + 2 * HOUR_MS],
    ])
    expect(parts.raw).toEqual([
      [from, d0 + 6 * HOUR_MS],
      [d0 + 3 * DAY_MS + 2 * HOUR_MS, to],
    ])
  })
  it('uses raw rows alone inside one hour', () => {
    expect(splitRange(d0 + 10, d0 + 20)).toEqual({
      days: null,
      hours: [],
      raw: [[d0 + 10, d0 + 20]],
    })
  })
  it('uses aligned rollups alone for an aligned range', () => {
    expect(splitRange(d0, d0 + 2 * DAY_MS)).toEqual({
      days: [d0, d0 + 2 * DAY_MS],
      hours: [],
      raw: [],
    })
  })
})

describe('latency histograms', () => {
  it('puts each duration in a bucket whose upper bound is within 5% above it', () => {
    for (const d of [0, 1, 2, 3, 10, 99, 100, 1_000, 12_345, 3_600_000]) {
      const upper = bucketUpperBound(latencyBucket(d))
      expect(upper).toBeGreaterThanOrEqual(d)
      expect(upper).toBeLessThanOrEqual(Math.max(1, d * 1.05))
    }
  })
  it('reads quantiles by nearest rank', () => {
    const h = new Map<number, number>()
    for (let d = 1; d <= 100; d++)
      h.set(latencyBucket(d * 10), (h.get(latencyBucket(d * 10)) ?? 0) + 1)
    const p50 = histogramQuantile(h, 0.5) as number
    expect(p50).toBeGreaterThanOrEqual(500)
    expect(p50).toBeLessThanOrEqual(525)
    expect(histogramQuantile(new Map(), 0.5)).toBeNull()
  })
})

describe('eventRowValues', () => {
  it('lists values in EVENT_COLUMNS order', async () => {
    const { EVENT_COLUMNS, eventRowValues } = await import('./event-row.js')
    const { newEvent } = await import('../../../../test/helpers/events.js')
    const event = newEvent({
      agent: 'a',
      user: 'u',
      kind: 'llm_call',
      model: 'm',
      tags: ['t'],
      tokens_cache_write: 7,
      context: { c: 1 },
    })
    const values = eventRowValues('org', event, 9, 1234)
    const row = Object.fromEntries(EVENT_COLUMNS.map((c, i) => [c, values[i]]))
    expect(values).toHaveLength(EVENT_COLUMNS.length)
    for (const column of EVENT_COLUMNS) {
      const expected =
        { org_id: 'org', seq: 9, received_at: 1234, tags: '["t"]' }[column as string] ??
        event[column as keyof typeof event]
      expect(row[column], column).toEqual(expected)
    }
  })
})
