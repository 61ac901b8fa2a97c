import { z } from 'zod'
import { LIMITS } from '@agenttrail/protocol'
import { AppError } from '../../app-error.js'
import type { Store } from '../../store/store.js'
import { DAY_MS, HOUR_MS, floorTo } from '../../store/time-buckets.js'
import { ErrorBodySchema } from '../openapi.js'
import { timeParam } from '../route-spec.js'
import type { Router } from '../router.js'
import {
  AgentLedgerStatsFields,
  agentLedgerStats,
} from '../surfaces/agentledger/agentledger-stats.js'
import { LogwickStatsFields, logwickStats } from '../surfaces/logwick/logwick-stats.js'

const MAX_HOURLY_DAYS = 93

export const StatsQuerySchema = z.object({
  from: timeParam.optional().describe('Inclusive. Default: `days` before `to`.'),
  to: timeParam.optional().describe('Exclusive. Default: now.'),
  days: z.coerce
    .number()
    .int()
    .min(1)
    .max(3_650)
    .optional()
    .describe(
      'Without `from` and `to`: from the start of the UTC hour `days` × 24 hours ago through the end of the current hour. With `to` only: `days` before `to`. Default 30.',
    ),
  environment: z.string().min(1).max(LIMITS.shortString).optional(),
  agent: z.string().min(1).max(LIMITS.shortString).optional(),
  bucket: z
    .enum(['hour', 'day'])
    .optional()
    .describe(
      `Time-series step. Default: hour for ranges up to 2 days, else day. Hourly up to ${MAX_HOURLY_DAYS} days.`,
    ),
})

const Counts = {
  events: z.number(),
  errors: z.number(),
  tokens_total: z.number(),
  cost_usd: z.number(),
}

export const StatsSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    bucket: z.enum(['hour', 'day']),
    totals: z.object({
      events: z.number(),
      success: z.number(),
      error: z.number(),
      pending: z.number(),
      denied: z.number(),
    }),
    rates: z
      .object({ success: z.number(), error: z.number(), pending: z.number(), denied: z.number() })
      .describe('Fractions of all events, 0 to 1.'),
    latency_ms: z
      .object({
        avg: z.number().nullable(),
        p50: z.number().nullable(),
        p95: z.number().nullable(),
      })
      .describe(
        'avg is exact; p50 and p95 come from histograms and are at most 5% above the exact value.',
      ),
    tokens: z.object({
      input: z.number(),
      output: z.number(),
      cache_read: z.number(),
      cache_write: z.number(),
      total: z.number(),
    }),
    cost_usd: z.number(),
    by_agent: z.array(z.object({ agent: z.string().nullable(), ...Counts })),
    by_model: z.array(z.object({ model: z.string().nullable(), ...Counts })),
    by_service: z.array(z.object({ service: z.string().nullable(), ...Counts })),
    series: z.array(z.object({ start: z.string(), ...Counts })),
  })
  .meta({ id: 'Stats' })

/**
 * `/api/v1/stats` answers Logwick and AgentLedger in one body: the native stats plus each product's
 * fields, computed from the same rollups by that product's folder (`surfaces/<product>/*-stats.ts`).
 * The path is one route because both products' SDKs call the same path with the same method.
 */
export function statsRoutes(router: Router, store: Store): void {
  router.add(
    {
      method: 'get',
      path: '/api/v1/stats',
      tag: 'stats',
      scope: 'read',
      summary: 'Totals, rates, latency, tokens, cost, breakdowns and a time series',
      description:
        'Aggregated from rollups, so it costs the same at any size. The same response carries the Logwick fields (`total`, `success`, `error`, `success_rate`, `error_rate` in percent, `avg_latency`, `total_tokens`, `total_cost`, `period_days`) and the AgentLedger dashboard fields (`totalActions`, `todayActions`, `todayCostCents`, `weekCostCents`, `activeAgents`, `totalAgents`, `agents`, `errorCount`, `blockedCount`, `serviceBreakdown`, `agentBreakdown`, `hourlyData`, `alerts`).',
      query: StatsQuerySchema,
      responses: {
        200: {
          description: 'Stats for the range',
          schema: StatsSchema.extend({ ...LogwickStatsFields, ...AgentLedgerStatsFields }),
        },
        400: { description: 'A bad parameter', schema: ErrorBodySchema },
      },
    },
    async (c, { query: q, key }) => {
      // Without from and to, `days=N` covers whole UTC hours: from the start of the hour N days ago
      // through the end of the current one, so that rollups answer all of it.
      const wholeHours = q.from === undefined && q.to === undefined
      const to = q.to ?? (wholeHours ? floorTo(Date.now(), HOUR_MS) + HOUR_MS : Date.now())
      const from =
        q.from ??
        (wholeHours ? to - HOUR_MS - (q.days ?? 30) * DAY_MS : to - (q.days ?? 30) * DAY_MS)
      if (from >= to) throw new AppError('invalid_query', 'from must be earlier than to')
      const bucket = q.bucket ?? (to - from <= 2 * DAY_MS ? 'hour' : 'day')
      if (bucket === 'hour' && to - from > MAX_HOURLY_DAYS * DAY_MS)
        throw new AppError(
          'invalid_query',
          `bucket=hour covers at most ${MAX_HOURLY_DAYS} days; use bucket=day`,
        )
      const orgId = key.org_id
      const query = { from, to, bucket, environment: q.environment, agent: q.agent }
      const stats = await store.events.stats(orgId, query)
      const periodDays = q.days ?? Math.round((to - from) / DAY_MS)
      return c.json({
        ...stats,
        ...logwickStats(stats, periodDays),
        ...(await agentLedgerStats(store, orgId, stats, query, Date.now())),
      })
    },
  )
}
