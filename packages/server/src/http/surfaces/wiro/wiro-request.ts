import { AppError } from '../../../app-error.js'
import { parseDay } from '@agenttrail/protocol'
import { dayName } from '../../../archive/archive-day.js'
import { DAY_MS, floorTo } from '../../../store/time-buckets.js'

/** Most events `Logs` returns; its default is 200. */
export const MAX_LINES = 5_000
export const DEFAULT_LINES = 200

type Body = Record<string, unknown>

const invalid = (message: string) => new AppError('validation_failed', message)

/** The body as an object; Wiro's parameters are all in the JSON body. */
export function asObject(value: unknown): Body {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw invalid('the body must be a JSON object')
  return value as Body
}

export function requireGuid(body: Body): string {
  const guid = body.useragentguid
  if (typeof guid !== 'string' || guid.trim() === '') throw invalid('useragentguid is required')
  return guid.trim().toLowerCase()
}

/**
 * `date`: `YYYY-MM-DD` (a real UTC day) or `"today"`. Absent: today when optional, else
 * `date is required`.
 */
export function parseDate(
  body: Body,
  now: number,
  required: boolean,
): { date: string; dayStart: number } {
  const value = body.date
  const today = floorTo(now, DAY_MS)
  if (value === undefined || value === null || value === '') {
    if (required) throw invalid('date is required')
    return { date: dayName(today), dayStart: today }
  }
  if (value === 'today') return { date: dayName(today), dayStart: today }
  const dayStart = typeof value === 'string' ? parseDay(value) : undefined
  if (dayStart === undefined) throw invalid('date must be a day as YYYY-MM-DD, or "today"')
  return { date: value as string, dayStart }
}

/** `lines`: a whole number from 1; more than 5000 reads 5000 (the documented maximum). Default 200. */
export function parseLines(body: Body): number {
  const value = body.lines
  if (value === undefined || value === null) return DEFAULT_LINES
  const lines = typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : value
  if (typeof lines !== 'number' || !Number.isInteger(lines) || lines < 1)
    throw invalid(`lines must be a whole number from 1 to ${MAX_LINES}`)
  return Math.min(lines, MAX_LINES)
}
