import type { SignedCheckpoint } from './verify-checkpoints.js'
import type { ProblemList } from './verify-report.js'

const iso = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString()

/**
 * The checks on the checkpoints in the order they were signed (their cosignature times): a log
 * never shrinks (a smaller checkpoint signed after a larger one is a rollback), and a heartbeat
 * comes at least every `maxGapSeconds`, up to when the export was made; a longer silence means
 * the logger stopped or checkpoints were withheld (a warning: it may be an outage).
 */
export function checkTimeline(
  signed: readonly SignedCheckpoint[],
  generatedAt: number | null,
  maxGapSeconds: number,
  problems: ProblemList,
): void {
  const timed = signed
    .filter((c): c is SignedCheckpoint & { time: number } => c.time !== null)
    .sort((a, b) => a.time - b.time || a.size - b.size)
  let largest: (SignedCheckpoint & { time: number }) | undefined
  for (const cp of timed) {
    if (largest !== undefined && cp.size < largest.size)
      problems.add(
        'log_rolled_back',
        `log rolled back: checkpoint at size ${cp.size} signed at ${iso(cp.time)}, after checkpoint at size ${largest.size} signed at ${iso(largest.time)}`,
        { tree_size: cp.size },
      )
    if (largest === undefined || cp.size >= largest.size) largest = cp
  }
  const times = timed.map((c) => c.time)
  if (generatedAt !== null && times.length > 0) times.push(Math.floor(generatedAt / 1000))
  for (let i = 1; i < times.length; i++) {
    const [a, b] = [times[i - 1] as number, times[i] as number]
    if (b - a > maxGapSeconds)
      problems.add(
        'heartbeat_gap',
        `no checkpoint from ${iso(a)} to ${iso(b)} (${((b - a) / 3600).toFixed(1)} h): ${
          i === times.length - 1 && generatedAt !== null
            ? 'until the export was made'
            : 'missing heartbeats'
        }`,
      )
  }
}
