import { describe, expect, it } from 'vitest'
import { DEFAULT_RETRY_DELAYS_MS, nextAttemptAt } from './retry-schedule.js'

describe('nextAttemptAt', () => {
  it('spreads eight attempts over about 27 hours, each within 20% of its delay', () => {
    const total = DEFAULT_RETRY_DELAYS_MS.reduce((a, b) => a + b, 0)
    expect(total / 3_600_000).toBeCloseTo(27.6, 1)
    for (const [i, delay] of DEFAULT_RETRY_DELAYS_MS.entries()) {
      expect(nextAttemptAt(i + 1, 0, DEFAULT_RETRY_DELAYS_MS, undefined, () => 0)).toBe(delay * 0.8)
      const latest = nextAttemptAt(i + 1, 0, DEFAULT_RETRY_DELAYS_MS, undefined, () => 0.999_999)
      expect(latest).toBeLessThanOrEqual(delay * 1.2)
      expect(latest).toBeGreaterThan(delay * 1.199)
    }
    expect(nextAttemptAt(8, 0, DEFAULT_RETRY_DELAYS_MS, undefined)).toBeNull()
  })

  it('waits at least as long as the receiver asked, up to a day', () => {
    expect(nextAttemptAt(1, 1_000, [5_000], 60_000, () => 0.5)).toBe(61_000)
    expect(nextAttemptAt(1, 0, [5_000], 10 * 86_400_000, () => 0.5)).toBe(86_400_000)
    expect(nextAttemptAt(1, 0, [5_000], 1_000, () => 0.5)).toBe(5_000)
  })
})
