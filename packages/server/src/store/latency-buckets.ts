/**
 * Latency histograms for rollups. Bucket `i` holds durations in (GROWTH^(i-1), GROWTH^i] ms, with
 * bucket 0 holding 0 to 1 ms; a percentile read from the histogram is the upper bound of its bucket,
 * so it is at most 5% above the exact value (never below it). Log buckets keep the table small:
 * 1 ms to one day fits in about 230 buckets.
 */
const GROWTH = 1.05
const LOG_GROWTH = Math.log(GROWTH)

export function latencyBucket(durationMs: number): number {
  if (durationMs <= 1) return 0
  // The epsilon keeps exact powers (such as 1.05^10) in their own bucket despite rounding.
  return Math.ceil(Math.log(durationMs) / LOG_GROWTH - 1e-9)
}

export function bucketUpperBound(bucket: number): number {
  return bucket === 0 ? 1 : GROWTH ** bucket
}

/**
 * The `p`-quantile (0 < p <= 1) of a histogram given as (bucket, count) pairs, by the nearest-rank
 * method, as the bucket's upper bound rounded to whole ms; null when the histogram is empty.
 */
export function histogramQuantile(
  histogram: ReadonlyMap<number, number>,
  p: number,
): number | null {
  let total = 0
  for (const n of histogram.values()) total += n
  if (total === 0) return null
  const rank = Math.max(1, Math.ceil(p * total))
  const buckets = [...histogram.keys()].sort((a, b) => a - b)
  let seen = 0
  for (const bucket of buckets) {
    seen += histogram.get(bucket) ?? 0
    if (seen >= rank) return Math.round(bucketUpperBound(bucket))
  }
  return null
}
