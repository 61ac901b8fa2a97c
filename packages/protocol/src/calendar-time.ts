/**
 * One strict reading of dates and times for every route and surface. `Date.parse` is lenient where
 * a client's mistake should be an error: it rolls 2026-02-30 over into March and 24:00 into the next
 * day, and `new Date(ms)` of a number beyond ±8.64e15 is an Invalid Date that throws when printed.
 * Here a day must be on the calendar, a time on the clock, and an instant within the years 0000 to
 * 9999 (what ISO 8601's four-digit years can write), so every accepted value can be stored in a
 * bigint column and printed back.
 */

/** 0000-01-01T00:00:00.000Z in Unix ms: the earliest instant accepted. */
export const MIN_TIME_MS = -62_167_219_200_000
/** 9999-12-31T23:59:59.999Z in Unix ms: the latest instant accepted. */
export const MAX_TIME_MS = 253_402_300_799_999

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/
const DATE_TIME =
  /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|z|[+-]\d{2}:?\d{2})?$/
const DAY_MS = 86_400_000

/** Unix ms of the UTC midnight that starts `YYYY-MM-DD`, when that day is on the calendar. */
export function parseDay(text: string): number | undefined {
  const m = DAY.exec(text)
  if (!m) return undefined
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])]
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined
  // Date.UTC reads the years 0 to 99 as 1900 to 1999; setUTCFullYear does not.
  return new Date(0).setUTCFullYear(year, month - 1, day)
}

/**
 * Unix ms of an ISO 8601 date-time such as `2026-05-03T14:00:00Z` or `2026-05-03T16:00:00.5+02:00`:
 * a real day, hours 00 to 23, minutes and seconds 00 to 59, an offset of at most ±23:59, digits
 * beyond milliseconds dropped. Without a zone it is refused, unless `zoneless` is `'utc'`.
 */
export function parseDateTime(
  text: string,
  options: { zoneless?: 'refuse' | 'utc' } = {},
): number | undefined {
  const m = DATE_TIME.exec(text)
  if (!m) return undefined
  const day = parseDay(m[1] as string)
  const [hours, minutes, seconds] = [Number(m[2]), Number(m[3]), Number(m[4] ?? 0)]
  if (day === undefined || hours > 23 || minutes > 59 || seconds > 59) return undefined
  const zone = m[6]
  if (zone === undefined && options.zoneless !== 'utc') return undefined
  let offsetMinutes = 0
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const digits = zone.slice(1).replace(':', '')
    const [oh, om] = [Number(digits.slice(0, 2)), Number(digits.slice(2))]
    if (oh > 23 || om > 59) return undefined
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (oh * 60 + om)
  }
  const millis = Number((m[5] ?? '').padEnd(3, '0').slice(0, 3))
  const ms = day + ((hours * 60 + minutes - offsetMinutes) * 60 + seconds) * 1000 + millis
  return inRange(ms) ? ms : undefined
}

/** A whole number of Unix epoch milliseconds from 0 to `MAX_TIME_MS`, as a number or digits. */
export function parseEpochMs(value: number | string): number | undefined {
  const ms = typeof value === 'number' ? value : /^\d{1,16}$/.test(value) ? Number(value) : NaN
  return Number.isInteger(ms) && ms >= 0 && ms <= MAX_TIME_MS ? ms : undefined
}

/** True when `ms` is a whole number of Unix ms within the years 0000 to 9999. */
export function inRange(ms: number): boolean {
  return Number.isInteger(ms) && ms >= MIN_TIME_MS && ms <= MAX_TIME_MS
}

/**
 * A range bound as query parameters give it: a day (`YYYY-MM-DD`: its UTC midnight, or with
 * `dayEnd` the next midnight, so that an exclusive `to` includes the day), an ISO 8601 date-time,
 * or, with `epochMs`, epoch milliseconds (at least 10 digits, so that a year is not read as one).
 */
export function parseTimeBound(
  text: string,
  options: { dayEnd?: boolean; epochMs?: boolean; zoneless?: 'refuse' | 'utc' } = {},
): number | undefined {
  if (options.epochMs && /^\d{10,}$/.test(text)) return parseEpochMs(text)
  const day = parseDay(text)
  if (day !== undefined) return day + (options.dayEnd ? DAY_MS : 0)
  return parseDateTime(text, options)
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28
  return [4, 6, 9, 11].includes(month) ? 30 : 31
}
