import { AppError } from '../app-error.js'
import type { RateLimiter } from '../auth/rate-limiter.js'
import type { Store } from '../store/store.js'
import type { IngestGate } from './ingest-service.js'

/** Start of the UTC calendar month that contains `ms`, and of the next one. */
export function utcMonth(ms: number): { from: number; to: number } {
  const d = new Date(ms)
  return { from: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1), to: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) }
}

/**
 * The org's plan on every ingest path: at most `requests_per_minute` ingest requests (a token bucket
 * of that many, refilled evenly over the minute, keyed `plan:<org>` in the store's limiter, so
 * every server process on a PostgreSQL database shares it), and at most `logs_per_month` events
 * in the current UTC calendar month (counted exactly from the store's stats). The count is read
 * before the append: requests of one org in flight at the same moment may each pass with the last
 * free places, so a burst can overshoot the monthly limit by the events it carries.
 */
export function createPlanGate(store: Pick<Store, 'events' | 'rateLimiter'>, options: { now?: () => number } = {}): IngestGate {
  const now = options.now ?? Date.now
  const limiters = new Map<number, RateLimiter>()
  const limiterFor = (rpm: number): RateLimiter => {
    let limiter = limiters.get(rpm)
    if (!limiter) limiters.set(rpm, (limiter = store.rateLimiter({ perSecond: rpm / 60, burst: rpm })))
    return limiter
  }

  return async (events, ctx, settings) => {
    const { plan } = settings
    if (plan.requests_per_minute !== null) {
      const decision = await limiterFor(plan.requests_per_minute).take(`plan:${ctx.orgId}`)
      if (!decision.allowed) {
        const retryAfter = decision.retryAfterSeconds ?? 1
        throw new AppError(
          'rate_limited',
          `Rate limit exceeded: the ${plan.name} plan allows ${plan.requests_per_minute} requests per minute. Retry after ${retryAfter} s.`,
        ).with({ retryAfter, limit_type: 'requests_per_minute', current_plan: plan.name })
      }
    }
    if (plan.logs_per_month !== null) {
      const limit = plan.logs_per_month
      const used = (await store.events.stats(ctx.orgId, { ...utcMonth(now()), bucket: 'day' })).totals.events
      if (used + events.length > limit) {
        const message =
          used >= limit
            ? `Monthly log limit reached (${used}/${limit}). Upgrade your plan for more logs.`
            : `Monthly log limit would be exceeded (${used}/${limit} used, ${events.length} more sent). Upgrade your plan for more logs.`
        throw new AppError('plan_limit_exceeded', message).with({ limit_type: 'logs', current_plan: plan.name, used, limit })
      }
    }
  }
}
