import { describe, expect, it } from 'vitest'
import {
  MAX_TIME_MS,
  MIN_TIME_MS,
  parseDateTime,
  parseDay,
  parseEpochMs,
  parseTimeBound,
} from './calendar-time.js'

describe('calendar time', () => {
  it('reads days that are on the calendar, and only those', () => {
    expect(parseDay('2026-02-28')).toBe(Date.parse('2026-02-28T00:00:00Z'))
    expect(parseDay('2024-02-29')).toBe(Date.parse('2024-02-29T00:00:00Z'))
    expect(parseDay('0000-01-01')).toBe(MIN_TIME_MS)
    expect(parseDay('0099-03-01')).toBe(Date.parse('0099-03-01T00:00:00Z'))
    for (const bad of [
      '2026-02-29',
      '2026-02-30',
      '2100-02-29',
      '2026-04-31',
      '2026-13-45',
      '0000-00-00',
      '2026-00-10',
      '2026-12-32',
      '2026-1-1',
      '26-01-01',
      '+02026-01-01',
      '2026-01-01 ',
      '２０２６-01-01',
    ])
      expect(parseDay(bad), bad).toBeUndefined()
  })

  it('reads ISO 8601 date-times as Date.parse does where both agree, and refuses what Date.parse rolls over', () => {
    for (const ok of [
      '2026-05-03T14:00:00Z',
      '2026-05-03T14:00Z',
      '2026-05-03T14:00:00.5+02:00',
      '2026-05-03T14:00:00.123456789-0530',
      '1969-07-20T20:17:40Z',
      '9999-12-31T23:59:59.999Z',
    ])
      expect(parseDateTime(ok), ok).toBe(Date.parse(ok))
    for (const bad of [
      '2026-02-30T00:00:00Z',
      '2026-01-01T24:00:00Z',
      '2026-01-01T23:60:00Z',
      '2026-01-01T23:59:60Z',
      '2026-01-01T10:00:00+24:00',
      '2026-01-01T10:00:00+05:60',
      '2026-01-01T10:00:00',
      '2026-01-01',
      '0000-01-01T00:00:00+01:00',
      '9999-12-31T23:59:59-01:00',
    ])
      expect(parseDateTime(bad), bad).toBeUndefined()
    expect(parseDateTime('2026-01-01T10:00:00', { zoneless: 'utc' })).toBe(
      Date.parse('2026-01-01T10:00:00Z'),
    )
  })

  it('takes epoch milliseconds only as whole numbers a Date can hold and print', () => {
    expect(parseEpochMs(0)).toBe(0)
    expect(parseEpochMs('1767225600000')).toBe(1_767_225_600_000)
    expect(parseEpochMs(MAX_TIME_MS)).toBe(MAX_TIME_MS)
    for (const bad of [
      MAX_TIME_MS + 1,
      8_640_000_000_000_001,
      -1,
      1.5,
      Number.NaN,
      Infinity,
      '8640000000000001',
      '99999999999999999999',
      '1e12',
      '-1',
    ])
      expect(parseEpochMs(bad), String(bad)).toBeUndefined()
  })

  it('reads a range bound as a day, a date-time or epoch milliseconds', () => {
    const day = Date.parse('2026-03-01T00:00:00Z')
    expect(parseTimeBound('2026-03-01')).toBe(day)
    expect(parseTimeBound('2026-03-01', { dayEnd: true })).toBe(day + 86_400_000)
    expect(parseTimeBound(String(day), { epochMs: true })).toBe(day)
    expect(parseTimeBound(String(day))).toBeUndefined()
    expect(parseTimeBound('8640000000000001', { epochMs: true })).toBeUndefined()
    expect(parseTimeBound('2026-02-30', { epochMs: true })).toBeUndefined()
  })
})
