import type { LogStatus } from '../../api/log-types.js'
import { formatAgo, formatNumber } from '../../lib/format.js'

/** Events waiting this long for a checkpoint mean the checkpoint job is behind (it runs every second). */
export const LAG_WARN_MS = 5_000
/**
 * A checkpoint older than this means the hourly heartbeat is late: an hour and the same five
 * minutes of slack that `agenttrail verify` allows between checkpoints (3,900 s).
 */
export const STALE_WARN_MS = 65 * 60_000

/** The warnings the status calls for, each a sentence a person can act on. */
export function statusWarnings(status: LogStatus, now: number, laggingForMs: number): string[] {
  const warnings: string[] = []
  const latest = status.latest_checkpoint
  const age = latest ? Math.max(0, now - Date.parse(latest.created_at)) : null
  if (status.tree_size !== status.trail_seq)
    warnings.push(
      `The log holds ${formatNumber(status.tree_size)} leaves but the trail's last seq is ${formatNumber(status.trail_seq)}: every committed event should have exactly one leaf. Check the server's log for integrity errors.`,
    )
  if (!latest) {
    if (status.tree_size > 0 && laggingForMs > LAG_WARN_MS)
      warnings.push(
        'There are events but no signed checkpoint yet; one is due within about a second of the first event. Is the checkpoint job running (see the server log)?',
      )
    return warnings
  }
  if (status.lag_events > 0 && age !== null && age > LAG_WARN_MS && laggingForMs > LAG_WARN_MS)
    warnings.push(
      `${formatNumber(status.lag_events)} events are not yet in a signed checkpoint, and the latest was signed ${formatAgo(latest.created_at, now)}: checkpoints follow new events within about a second, so the checkpoint job is behind or stopped.`,
    )
  else if (age !== null && age > STALE_WARN_MS)
    warnings.push(
      `The latest checkpoint was signed ${formatAgo(latest.created_at, now)}: a heartbeat checkpoint is signed every hour even when nothing happens, so the server has not signed for too long. Is it running?`,
    )
  return warnings
}
