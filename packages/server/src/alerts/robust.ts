/**
 * The statistics the detectors use: robust centre and spread (median, MAD), and the binomial upper
 * tail for rates, which weighs how many actions a window had. No dependencies.
 */

/** MAD × 1.4826 estimates the standard deviation of normal data. */
export const MAD_TO_SIGMA = 1.4826

/** The median of `values` (NaN for none). Does not change its argument. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN
  const s = [...values].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2
}

/** The median absolute deviation from the median (NaN for none). */
export function mad(values: readonly number[]): number {
  const m = median(values)
  return median(values.map((v) => Math.abs(v - m)))
}

/** Mean and sample standard deviation: what the documented baselines report. */
export function meanAndStddev(values: readonly number[]): { mean: number; stddev: number } {
  if (values.length === 0) return { mean: 0, stddev: 0 }
  const mean = values.reduce((a, b) => a + b, 0) / values.length
  if (values.length < 2) return { mean, stddev: 0 }
  const ss = values.reduce((a, v) => a + (v - mean) ** 2, 0)
  return { mean, stddev: Math.sqrt(ss / (values.length - 1)) }
}

const LANCZOS = [
  676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.6150291621406, 12.507343278686905,
  -0.13857109526572012, 9.984369578019572e-6, 1.5056327351493116e-7,
]

/** ln Γ(x) for x > 0 (Lanczos, g = 7; relative error below 1e-13). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x)
  const z = x - 1
  let a = 0.99999999999980993
  const t = z + 7.5
  for (let i = 0; i < LANCZOS.length; i++) a += (LANCZOS[i] as number) / (z + i + 1)
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a)
}

/** ln of the binomial probability P(X = k) for X ~ Binomial(n, p), 0 < p < 1. */
function logPmf(n: number, k: number, p: number): number {
  return (
    logGamma(n + 1) -
    logGamma(k + 1) -
    logGamma(n - k + 1) +
    k * Math.log(p) +
    (n - k) * Math.log1p(-p)
  )
}

/**
 * P(X ≥ k) for X ~ Binomial(n, p): how likely at least `k` failures of `n` are when each fails
 * with probability `p`. Summed from k upwards, in logs, until the terms no longer matter; past the
 * mean the terms only fall, so the sum is exact to double precision.
 */
export function binomialUpperTail(n: number, k: number, p: number): number {
  if (k <= 0) return 1
  if (k > n) return 0
  if (p <= 0) return 0
  if (p >= 1) return 1
  // At or below the mean the tail is at least about a half: no evidence of a spike.
  if (k <= n * p) return 1
  const first = logPmf(n, k, p)
  let sum = 1
  let term = 1
  for (let i = k + 1; i <= n; i++) {
    // Ratio of consecutive terms: (n - i + 1) / i * p / (1 - p).
    term *= ((n - i + 1) / i) * (p / (1 - p))
    sum += term
    if (term < sum * 1e-17) break
  }
  return Math.min(1, Math.exp(first + Math.log(sum)))
}

/**
 * P(X ≥ k) for X ~ Poisson(lambda): how likely at least `k` actions are in an hour that usually
 * has `lambda`. Summed from k upwards in logs; exact to double precision past the mean.
 */
export function poissonUpperTail(k: number, lambda: number): number {
  if (k <= 0) return 1
  if (lambda <= 0) return 0
  if (k <= lambda) return 1
  const first = k * Math.log(lambda) - lambda - logGamma(k + 1)
  let sum = 1
  let term = 1
  for (let i = k + 1; ; i++) {
    term *= lambda / i
    sum += term
    if (term < sum * 1e-17) break
  }
  return Math.min(1, Math.exp(first + Math.log(sum)))
}
