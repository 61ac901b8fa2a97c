import { z } from 'zod'
import type { Stats } from '../../../store/store.js'

const percent = (part: number, whole: number) =>
  whole === 0 ? 0 : Math.round((part / whole) * 1000) / 10

/** Logwick's fields over the requested range (shared/reference/000, `GET /api/v1/stats?days=N`). */
export function logwickStats(stats: Stats, periodDays: number) {
  const { totals } = stats
  return {
    total: totals.events,
    success: totals.success,
    error: totals.error,
    success_rate: percent(totals.success, totals.events),
    error_rate: percent(totals.error, totals.events),
    avg_latency: stats.latency_ms.avg === null ? 0 : Math.round(stats.latency_ms.avg),
    total_tokens: stats.tokens.total,
    total_cost: Math.round(stats.cost_usd * 100) / 100,
    period_days: periodDays,
  }
}

/** Logwick's fields of `GET /api/v1/stats`, for the OpenAPI document. */
export const LogwickStatsFields = {
  total: z.number().describe('Logwick: events in the range.'),
  success: z.number(),
  error: z.number(),
  success_rate: z.number().describe('Percent, one decimal.'),
  error_rate: z.number().describe('Percent, one decimal.'),
  avg_latency: z.number().describe('ms, rounded.'),
  total_tokens: z.number(),
  total_cost: z.number().describe('USD, rounded to cents.'),
  period_days: z.number(),
}
