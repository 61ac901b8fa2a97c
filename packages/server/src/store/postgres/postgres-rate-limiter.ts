import type pg from 'pg'
import type { RateDecision, RateLimiter } from '../rate-limiter.js'

const REFILLED = 'least($2::float8, b.tokens + greatest(0, $3 - b.at) * $4::float8 / 1000)'

/**
 * Token buckets in PostgreSQL, so every server process draws from the same bucket. One statement
 * refills and takes under the row lock (in an UPDATE, every expression sees the old row). The
 * buckets are not worth an fsync each: the pool given here runs with `synchronous_commit = off`, so
 * a crash can at worst hand back a few tokens.
 */
export function createPostgresRateLimiter(
  pool: pg.Pool,
  options: { perSecond: number; burst: number },
): RateLimiter {
  const { perSecond, burst } = options
  return {
    async take(key, now = Date.now()): Promise<RateDecision> {
      const { rows } = await pool.query<{ tokens: number; allowed: boolean }>({
        name: 'rate-take',
        text: `INSERT INTO rate_buckets AS b (key, tokens, at, allowed) VALUES ($1, $2::float8 - 1, $3, true)
           ON CONFLICT (key) DO UPDATE SET
             allowed = ${REFILLED} >= 1,
             tokens = ${REFILLED} - CASE WHEN ${REFILLED} >= 1 THEN 1 ELSE 0 END,
             at = greatest(b.at, $3)
           RETURNING tokens, allowed`,
        values: [key, burst, now, perSecond],
      })
      const { tokens, allowed } = rows[0] as { tokens: number; allowed: boolean }
      if (allowed) return { allowed, limit: burst, remaining: Math.max(0, Math.floor(tokens)) }
      return {
        allowed,
        limit: burst,
        remaining: 0,
        retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / perSecond)),
      }
    },
  }
}
