import { describe, expect, it } from 'vitest'
import { budgetPeriod } from './budget-period.js'

const at = (iso: string) => Date.parse(iso)
const span = (period: Parameters<typeof budgetPeriod>[0], iso: string) => {
  const { start, end } = budgetPeriod(period, at(iso))
  return [new Date(start).toISOString(), new Date(end).toISOString()]
}

describe('budget periods on the UTC calendar', () => {
  it('starts an hourly period on the hour', () => {
    expect(span('hourly', '2026-11-22T05:59:59.999Z')).toEqual([
      '2026-11-22T05:00:00.000Z',
      '2026-11-22T06:00:00.000Z',
    ])
  })

  it('starts a daily period at UTC midnight, whatever the server’s time zone', () => {
    expect(span('daily', '2026-11-22T23:30:00Z')).toEqual([
      '2026-11-22T00:00:00.000Z',
      '2026-11-23T00:00:00.000Z',
    ])
  })

  it('starts a weekly period on Monday midnight, also from a Sunday and from the Monday itself', () => {
    // 2026-11-22 is a Sunday; the week began on Monday the 16th.
    expect(span('weekly', '2026-11-22T12:00:00Z')).toEqual([
      '2026-11-16T00:00:00.000Z',
      '2026-11-23T00:00:00.000Z',
    ])
    expect(span('weekly', '2026-11-23T00:00:00Z')).toEqual([
      '2026-11-23T00:00:00.000Z',
      '2026-11-30T00:00:00.000Z',
    ])
    expect(span('weekly', '2026-11-22T23:59:59.999Z')[0]).toBe('2026-11-16T00:00:00.000Z')
  })

  it('starts a monthly period on the first, across year ends and leap days', () => {
    expect(span('monthly', '2026-12-31T23:59:59Z')).toEqual([
      '2026-12-01T00:00:00.000Z',
      '2027-01-01T00:00:00.000Z',
    ])
    expect(span('monthly', '2028-02-29T10:00:00Z')).toEqual([
      '2028-02-01T00:00:00.000Z',
      '2028-03-01T00:00:00.000Z',
    ])
  })
})
