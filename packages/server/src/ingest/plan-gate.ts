import { AppError } from '../app-error.js'
import type { RateLimiter } from '../auth/rate-limiter.js'
import type { Store } from '../store/store.js'
import { usageMonth } from '../store/usage-month.js'
import type { IngestGate } from './ingest-service.js'

/**
 * The org's plan on every ingest path: at most `requests_per_minute` ingest requests (a token bucket
 * of that many, refilled evenly over the minute, keyed `plan:<org>` in the store's limiter, so
 * every server process on a PostgreSQL database shares it), and at most `logs_per_month` events
 * received in the current UTC calendar month.
 *
 * The month's usage is one row of the per-org counter that the append transaction increments
 * (`OrgStore.usage`, usage-month.ts): counted by receive time, so a backdated `ts` counts now;
 * duplicates are not counted; deleting events does not give quota back. The count is read before
 * the append: requests of one org in flight at the same moment may each pass with the last free
 * places, so a burst can overshoot the limit by the events those concurrent requests carry.
 * Replays of an `Idempotency-Key` never reach this gate (ingest-service.ts). Checks draw on the
 * requests per minute only.
 */
export function createPlanGate(store: Pick<Store, 'orgs' | 'rateLimiter'>, options: { now?: () => number } = {}): IngestGate {
  const now = options.now ?? Date.now
  const limiters = new Map<number, RateLimiter>()
  const limiterFor = (rpm: number): RateLimiter => {
    let limiter = limiters.get(rpm)
    if (!limiter) limiters.set(rpm, (limiter = store.rateLimiter({ perSecond: rpm / 60, burst: rpm })))
    return limiter
  }

  return async (events, ctx, settings, purpose) => {
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
    // A check is not a log: only what is recorded counts toward the month.
    if (plan.logs_per_month !== null && purpose === 'ingest') {
      const limit = plan.logs_per_month
      const used = await store.orgs.usage(ctx.orgId, usageMonth(now()))
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
