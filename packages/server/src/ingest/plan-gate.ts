import { AppError } from '../app-error.js'
import type { RateLimiter } from '../store/rate-limiter.js'
import type { Store } from '../store/store.js'
import { usageMonth } from '../store/usage-month.js'
import type { OrgSettings } from '../orgs/org-settings.js'
import type { IngestGate, PlanQuota } from './ingest-types.js'

/**
 * The plan's requests per minute (`requests_per_minute`) on every ingest path and every check: a
 * token bucket of that many, refilled evenly over the minute, keyed `plan:<org>` in the store's
 * limiter, so every server process on a PostgreSQL database shares it. Keyless requests (paid logs,
 * x402) have a bucket of the same size of their own, `plan:<org>:keyless`: anyone can send them,
 * and they must not spend the requests of the org's keys. Replays of an `Idempotency-Key` never
 * reach this gate (ingest-stages.ts, `replayOf`). The monthly log limit is `createPlanQuota`,
 * below.
 */
export function createPlanRateGate(store: Pick<Store, 'rateLimiter'>): IngestGate {
  const limiters = new Map<number, RateLimiter>()
  const limiterFor = (rpm: number): RateLimiter => {
    let limiter = limiters.get(rpm)
    if (!limiter)
      limiters.set(rpm, (limiter = store.rateLimiter({ perSecond: rpm / 60, burst: rpm })))
    return limiter
  }

  return async (_events, ctx, settings) => {
    const { plan } = settings
    if (plan.requests_per_minute !== null) {
      const decision = await limiterFor(plan.requests_per_minute).take(
        `plan:${ctx.orgId}${ctx.keyless === true ? ':keyless' : ''}`,
      )
      if (!decision.allowed) {
        const retryAfter = decision.retryAfterSeconds ?? 1
        throw new AppError(
          'rate_limited',
          `Rate limit exceeded: the ${plan.name} plan allows ${plan.requests_per_minute} requests per minute. Retry after ${retryAfter} s.`,
        ).with({ retryAfter, limit_type: 'requests_per_minute', current_plan: plan.name })
      }
    }
  }
}

/**
 * The plan's monthly log limit (`logs_per_month`), exact under concurrency: a request's events are
 * counted against the month before they are appended, in one conditional statement
 * (`OrgStore.reserveUsage`), so simultaneous requests can never pass the limit together; the append
 * then does not count them again, and gives back the places of events that were stored already.
 * A request refused here never claims its `Idempotency-Key`.
 *
 * The month's usage is one row of the per-org counter (`OrgStore.usage`, usage-month.ts): counted
 * by receive time, so a backdated `ts` counts now; duplicates are not counted; deleting events does
 * not give quota back. Only ingest counts: a check is not a log, and only what is recorded counts.
 */
export function createPlanQuota(
  store: Pick<Store, 'orgs'>,
  options: { now?: () => number } = {},
): PlanQuota {
  const now = options.now ?? Date.now
  return {
    async reserve(orgId: string, settings: OrgSettings, n: number): Promise<string | undefined> {
      const { plan } = settings
      if (plan.logs_per_month === null) return undefined
      const limit = plan.logs_per_month
      const month = usageMonth(now())
      const { ok, used } = await store.orgs.reserveUsage(orgId, month, n, limit)
      if (ok) return month
      const message =
        used >= limit
          ? `Monthly log limit reached (${used}/${limit}). Upgrade your plan for more logs.`
          : `Monthly log limit would be exceeded (${used}/${limit} used, ${n} more sent). Upgrade your plan for more logs.`
      throw new AppError('plan_limit_exceeded', message).with({
        limit_type: 'logs',
        current_plan: plan.name,
        used,
        limit,
      })
    },
    release: (orgId: string, month: string, n: number) => store.orgs.releaseUsage(orgId, month, n),
  }
}
