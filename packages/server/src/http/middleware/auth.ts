import type { Context, MiddlewareHandler } from 'hono'
import { AppError } from '../../app-error.js'
import { hasScope, hashKey } from '../../auth/api-keys.js'
import type { RateLimiter } from '../../store/rate-limiter.js'
import type { ApiKeyRecord, KeyStore, Scope } from '../../store/store.js'
import type { AppEnv } from '../app-env.js'
import {
  cookieSession,
  isUnsafeMethod,
  requireOwnOrigin,
  sessionCookie,
} from '../session-cookie.js'

const TOUCH_EVERY_MS = 5 * 60_000

/** The secret a request carries: `Authorization: Bearer <key>` or `X-API-Key: <key>`. */
export function presentedKey(header: (name: string) => string | undefined): string | undefined {
  const auth = header('authorization')
  if (auth && /^bearer\s+/i.test(auth)) return auth.replace(/^bearer\s+/i, '').trim() || undefined
  return header('x-api-key')?.trim() || undefined
}

/** How requests authenticate besides the key header. */
export interface AuthOptions {
  /** `AGENTTRAIL_PUBLIC_URL`: an origin cookie-authenticated changes may come from. */
  publicUrl?: string | undefined
}

/**
 * Authenticates by the key's SHA-256, or, when no key header is sent, by the dashboard's session
 * cookie (acting as its key; a state change must then come from this server's own origin). Applies
 * the per-key rate limit and checks the route's scope. Records last use at most once per five
 * minutes per key.
 */
export function authenticate(
  keys: KeyStore,
  limiter: RateLimiter | undefined,
  options: AuthOptions = {},
) {
  const touched = new Map<string, number>()
  return (scope: Scope | readonly Scope[]): MiddlewareHandler<AppEnv> => {
    const needed: readonly Scope[] = typeof scope === 'string' ? [scope] : scope
    return async (c, next) => {
      const key = await requestKey(c, keys, options)
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

/** The key a request acts as: its key header, else its session cookie. */
async function requestKey(
  c: Context<AppEnv>,
  keys: KeyStore,
  options: AuthOptions,
): Promise<ApiKeyRecord> {
  const secret = presentedKey((name) => c.req.header(name))
  if (secret) {
    const key = await keys.findByHash(hashKey(secret))
    if (!key) throw new AppError('unauthorized', 'the API key is not valid or has been revoked')
    return key
  }
  if (sessionCookie(c) === undefined)
    throw new AppError(
      'unauthorized',
      'missing API key: send it as "Authorization: Bearer <key>" or "X-API-Key: <key>"',
    )
  const session = await cookieSession(c, keys)
  if (!session)
    throw new AppError(
      'unauthorized',
      'the session has expired, was signed out, or its key was revoked; sign in again',
    )
  if (isUnsafeMethod(c.req.method)) requireOwnOrigin(c, options.publicUrl)
  return session.key
}
