/**
 * When a failed delivery is tried again: after each attempt, the next delay of the schedule, give
 * or take 20% so that receivers coming back are not hit by every sender at once, and never sooner
 * than the receiver asked (`Retry-After`). The default is eight attempts over about 27 hours
 * (immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h): a receiver down for a day misses nothing.
 */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  10 * 3_600_000,
]

/** A receiver's own wait is honoured up to this long (a day): longer asks are capped. */
const MAX_RETRY_AFTER_MS = 24 * 3_600_000

/**
 * The time of the next attempt after attempt `attempt` (1 for the first) failed at `now`, or null
 * when it was the last (`delays.length + 1` attempts in all). `random` is in [0, 1).
 */
export function nextAttemptAt(
  attempt: number,
  now: number,
  delays: readonly number[],
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number | null {
  const delay = delays[attempt - 1]
  if (delay === undefined) return null
  const jittered = Math.round(delay * (0.8 + 0.4 * random()))
  return now + Math.max(jittered, Math.min(retryAfterMs ?? 0, MAX_RETRY_AFTER_MS))
}
