import { AgentTrailError } from './errors.js'

export interface RetryPolicy {
  /** Give up once the next attempt could not start before this many ms after the first. */
  deadlineMs: number
  /** First backoff, in ms. Default 500. */
  initialDelayMs?: number
  /** Backoff ceiling, in ms. Default 10 000. */
  maxDelayMs?: number
  /** Hold the process open while waiting (for calls the caller awaits). Default false. */
  keepAlive?: boolean
}

/**
 * Runs `attempt` until it succeeds, throws a non-retryable error, or the deadline would pass, like
 * OpenTelemetry's retrying transport: exponential backoff with jitter, except that a server's
 * `Retry-After` (429, 503) is waited for exactly, as RFC 9110 §10.2.3 asks. Background retries
 * use unref'd timers so they never hold a finished process open; an abort stops the wait at once.
 */
export async function withRetry<T>(
  attempt: (remainingMs: number) => Promise<T>,
  policy: RetryPolicy,
  signal?: AbortSignal,
  onRetry?: (error: AgentTrailError) => void,
): Promise<T> {
  const start = Date.now()
  const initial = policy.initialDelayMs ?? 500
  const ceiling = policy.maxDelayMs ?? 10_000
  for (let n = 0; ; n++) {
    try {
      return await attempt(policy.deadlineMs - (Date.now() - start))
    } catch (error) {
      if (!(error instanceof AgentTrailError) || !error.retryable || signal?.aborted) throw error
      const backoff = Math.min(ceiling, initial * 2 ** n)
      // "Equal jitter": half fixed, half random, so clients that failed together do not return together.
      const jittered = backoff / 2 + (Math.random() * backoff) / 2
      // A server's Retry-After wins, but never below the first step: `Retry-After: 0` must not spin.
      const wait =
        error.retryAfterMs === undefined ? jittered : Math.max(error.retryAfterMs, initial / 2)
      if (Date.now() - start + wait >= policy.deadlineMs) throw error
      onRetry?.(error)
      await sleep(wait, signal, policy.keepAlive)
      if (signal?.aborted)
        throw new AgentTrailError('AgentTrail: aborted while waiting to retry', {
          code: 'aborted',
          cause: error,
        })
    }
  }
}

/** `Retry-After` as delay-seconds or an HTTP date, in ms; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null): number | undefined {
  if (header === null || header.trim() === '') return undefined
  const seconds = Number(header)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const date = Date.parse(header)
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now())
}

/** Resolves after `ms`, or at once when `signal` aborts. Keeps the process alive only with `keepAlive`. */
export function sleep(ms: number, signal?: AbortSignal, keepAlive = false): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve()
    const done = () => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    if (!keepAlive) (timer as { unref?: () => void }).unref?.()
    signal?.addEventListener('abort', done, { once: true })
  })
}
