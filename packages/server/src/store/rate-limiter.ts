/** Decides whether one more request from a key may pass. */
export interface RateLimiter {
  take(key: string, now?: number): RateDecision | Promise<RateDecision>
}

export interface RateDecision {
  allowed: boolean
  limit: number
  remaining: number
  /** Seconds until one token is back; set when refused. */
  retryAfterSeconds?: number
}

/**
 * Token buckets in this process's memory, one per key: `burst` tokens, refilled at `perSecond`.
 * Correct for the embedded store, where exactly one server process owns the data folder; the
 * PostgreSQL store keeps its buckets in the database (`postgres-rate-limiter.ts`).
 */
export function createMemoryRateLimiter(options: {
  perSecond: number
  burst: number
}): RateLimiter {
  const { perSecond, burst } = options
  const buckets = new Map<string, { tokens: number; at: number }>()
  return {
    take(key, now = Date.now()) {
      let bucket = buckets.get(key)
      if (!bucket) {
        if (buckets.size > 100_000) buckets.clear()
        buckets.set(key, (bucket = { tokens: burst, at: now }))
      }
      bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * perSecond)
      bucket.at = now
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1
        return { allowed: true, limit: burst, remaining: Math.floor(bucket.tokens) }
      }
      return {
        allowed: false,
        limit: burst,
        remaining: 0,
        retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond)),
      }
    },
  }
}
