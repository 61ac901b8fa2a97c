import { describe, expect, it } from 'vitest'
import {
  binomialUpperTail,
  logGamma,
  mad,
  meanAndStddev,
  median,
  poissonUpperTail,
} from './robust.js'

/** P(X >= k) from P(X = 0) = (1 - p)^n and the ratio of consecutive terms, in plain doubles. */
function tailByRecursion(n: number, k: number, p: number): number {
  let pmf = (1 - p) ** n
  let tail = 0
  for (let i = 0; i <= n; i++) {
    if (i >= k) tail += pmf
    pmf *= ((n - i) / (i + 1)) * (p / (1 - p))
  }
  return tail
}

describe('robust statistics', () => {
  it('takes the median and the median absolute deviation without changing the input', () => {
    const values = [5, 1, 9, 3, 100]
    expect(median(values)).toBe(5)
    expect(median([4, 1, 3, 2])).toBe(2.5)
    expect(mad(values)).toBe(4) // deviations 0, 4, 4, 2, 95
    expect(values).toEqual([5, 1, 9, 3, 100])
    expect(Number.isNaN(median([]))).toBe(true)
  })

  it('gives the documented mean and sample standard deviation', () => {
    expect(meanAndStddev([2, 4, 4, 4, 5, 5, 7, 9])).toEqual({ mean: 5, stddev: Math.sqrt(32 / 7) })
    expect(meanAndStddev([3])).toEqual({ mean: 3, stddev: 0 })
  })

  it('computes ln Γ to double precision', () => {
    expect(logGamma(1)).toBeCloseTo(0, 12)
    expect(logGamma(11)).toBeCloseTo(Math.log(3628800), 10)
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12)
  })

  it('matches the binomial upper tail summed another way', () => {
    for (const [n, k, p] of [
      [20, 5, 0.01],
      [60, 12, 0.01],
      [1000, 25, 0.01],
      [200, 30, 0.05],
    ] as const) {
      const expected = tailByRecursion(n, k, p)
      expect(Math.abs(binomialUpperTail(n, k, p) - expected) / expected).toBeLessThan(1e-9)
    }
  })

  it('answers the edges of the binomial tail exactly', () => {
    expect(binomialUpperTail(10, 0, 0.3)).toBe(1)
    expect(binomialUpperTail(10, 11, 0.3)).toBe(0)
    expect(binomialUpperTail(10, 5, 0)).toBe(0)
    // At or below the mean there is no evidence: the tail is reported as 1.
    expect(binomialUpperTail(100, 3, 0.05)).toBe(1)
    // Far in the tail it stays positive and tiny rather than underflowing to nonsense.
    const tiny = binomialUpperTail(60, 30, 0.01)
    expect(tiny).toBeGreaterThan(0)
    expect(tiny).toBeLessThan(1e-30)
  })
  it('matches the Poisson upper tail summed from P(X = 0)', () => {
    for (const [k, lambda] of [
      [8, 2.5],
      [15, 3],
      [120, 60],
    ] as const) {
      let pmf = Math.exp(-lambda)
      let tail = 0
      for (let i = 0; i < 400; i++) {
        if (i >= k) tail += pmf
        pmf *= lambda / (i + 1)
      }
      expect(Math.abs(poissonUpperTail(k, lambda) - tail) / tail).toBeLessThan(1e-9)
    }
    expect(poissonUpperTail(2, 3)).toBe(1)
    expect(poissonUpperTail(0, 3)).toBe(1)
  })
})
