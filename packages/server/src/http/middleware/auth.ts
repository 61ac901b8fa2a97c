import type { MiddlewareHandler } from 'hono'
import { AppError } from '../../app-error.js'
import { hasScope, hashKey } from '../../auth/api-keys.js'
import type { RateLimiter } from '../../store/rate-limiter.js'
import type { KeyStore, Scope } from '../../store/store.js'
import type { AppEnv } from '../app-env.js'

const TOUCH_EVERY_MS = 5 * 60_000

/** The secret a request carries: `Authorization: Bearer <key>` or `X-API-Key: <key>`. */
export function presentedKey(header: (name: string) => string | undefined): string | undefined {
  const auth = header('authorization')
  if (auth && /^bearer\s+/i.test(auth)) return auth.replace(/^bearer\s+/i, '').trim() || undefined
  return header('x-api-key')?.trim() || undefined
}

/**
 * Authenticates by the key's SHA-256, applies the per-key rate limit, and checks the route's scope.
 * Records last use at most once per five minutes per key.
 */
export function authenticate(keys: KeyStore, limiter: RateLimiter | undefined) {
  const touched = new Map<string, number>()
  return (scope: Scope | readonly Scope[]): MiddlewareHandler<AppEnv> => {
    const needed: readonly Scope[] = typeof scope === 'string' ? [scope] : scope
    return async (c, next) => {
      const secret = presentedKey((name) => c.req.header(name))
      if (!secret)
        throw new AppError(
          'unauthorized',
          'missing API key: send it as "Authorization: Bearer <key>" or "X-API-Key: <key>"',
        )
      const key = await keys.findByHash(hashKey(secret))
      if (!key) throw new AppError('unauthorized', 'the API key is not valid or has been revoked')
      c.set('apiKey', key)
      if (limiter) {
        const decision = await limiter.take(key.id)
        c.header('X-RateLimit-Limit', String(decision.limit))
        c.header('X-RateLimit-Remaining', String(decision.remaining))
        if (!decision.allowed) {
          c.header('Retry-After', String(decision.retryAfterSeconds ?? 1))
          throw new AppError(
            'rate_limited',
            `too many requests for this key; retry after ${decision.retryAfterSeconds ?? 1} s`,
          ).with({
            retryAfter: decision.retryAfterSeconds ?? 1,
          })
        }
      }
      if (!needed.some((s) => hasScope(key, s)))
        throw new AppError(
          'forbidden',
          `this key lacks the ${needed.map((s) => `"${s}"`).join(' or ')} scope that this endpoint needs`,
        )
      const now = Date.now()
      if ((touched.get(key.id) ?? 0) < now - TOUCH_EVERY_MS) {
        touched.set(key.id, now)
        await keys.touch(key.id, now)
      }
      await next()
    }
  }
}
