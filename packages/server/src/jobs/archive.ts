import type { Logger } from '../log.js'
import { errorFields } from '../log.js'
import type { Store } from '../store/store.js'
import { DAY_MS, HOUR_MS, ceilTo, floorTo } from '../store/time-buckets.js'
import { archiveOrg } from '../archive/archive-agent.js'
import type { ArchiveReport } from '../archive/archive-agent.js'
import { createArchiveFiles } from '../archive/archive-files.js'
import type { ArchiveFiles } from '../archive/archive-files.js'
import { MAINTENANCE } from './maintenance.js'

export { COMPRESS_AFTER_DAYS } from '../archive/archive-agent.js'
export type { ArchiveReport } from '../archive/archive-agent.js'

/** How long after a day ends its file is first written. Default one hour. */
export const ARCHIVE_GRACE_MS = HOUR_MS

export interface ArchivePassOptions {
  store: Store
  dataDir: string
  /** Days a file is kept; older ones are deleted. */
  retentionDays: number
  /** The clock. Default `Date.now`. */
  now?: () => number
  /** Time after a day's end before its file is written, for events that arrive late. Default one hour. */
  graceMs?: number
}

export interface ArchiveOptions extends ArchivePassOptions {
  logger: Logger
  /** Default one hour. */
  intervalMs?: number
}

/**
 * One pass of the daily archive. The store is the truth; a file is a copy of one agent's UTC day
 * in it, and a read serves a file only when it holds as many events as the store has for that day
 * (wiro-activity-day.ts), so a file can never bring back what was deleted.
 *
 * - Every process, leader or not, removes the files in its own data folder that the store does not
 *   back: days without events in the store (deleted by LogsDelete or by the plan's retention), days
 *   older than the archive retention, and days that begin before the plan's retention cutoff (they
 *   would hold events the plan no longer keeps).
 * - The leader (`store.tryLead`) writes each day once it has been over for the grace period, writes
 *   it again while the store holds a different number of events for it (late events, also after
 *   gzipping), and gzips it from day 7.
 *
 * A file just written or gzipped is checked against the store once more and removed when the count
 * differs. LogsDelete deletes from the store first and removes the files second. So whichever way
 * a deletion and a write interleave, in one process or several sharing the folder, no file of the
 * deleted day survives: either the check sees the deletion, or the deletion's removal comes after
 * the file was renamed into place. Idempotent: a second pass changes nothing.
 */
export function runArchive(options: ArchivePassOptions): Promise<ArchiveReport> {
  return archivePass(options, createArchiveFiles(options.dataDir))
}

async function archivePass(
  options: ArchivePassOptions,
  files: ArchiveFiles,
): Promise<ArchiveReport> {
  const now = (options.now ?? Date.now)()
  const leading = await options.store.tryLead(MAINTENANCE)
  const report: ArchiveReport = { leading, written: 0, rewritten: 0, compressed: 0, deleted: 0 }
  const plans = new Map(
    (await options.store.orgs.retentionPolicies()).map((p) => [p.orgId, p.retentionDays]),
  )
  const orgs = new Set([
    ...(await options.store.keys.list()).map((k) => k.org_id),
    ...(await files.orgs()),
  ])
  for (const orgId of orgs) {
    const planDays = plans.get(orgId)
    const oldest = Math.max(
      floorTo(now, DAY_MS) - options.retentionDays * DAY_MS,
      // A file holds a whole day: one that begins before the cutoff would hold expired events.
      planDays === undefined ? -Infinity : ceilTo(now - planDays * DAY_MS, DAY_MS),
    )
    await archiveOrg(
      {
        store: options.store,
        files,
        now,
        oldest,
        graceMs: options.graceMs ?? ARCHIVE_GRACE_MS,
        leading,
        report,
      },
      orgId,
    )
  }
  await files.sweepTemporary(now - HOUR_MS)
  return report
}

/** Runs the archive at start and then every `intervalMs`, one pass at a time. */
export function startArchive(options: ArchiveOptions) {
  // One instance for every pass: it remembers the line counts of files it has read.
  const files = createArchiveFiles(options.dataDir)
  let running: Promise<void> | undefined
  const tick = () => {
    running ??= archivePass(options, files)
      .then(
        (report) => options.logger.info('archive pass', { ...report }),
        (error: unknown) => options.logger.error('archive pass failed', errorFields(error)),
      )
      .finally(() => {
        running = undefined
      })
  }
  tick()
  const timer = setInterval(tick, options.intervalMs ?? HOUR_MS)
  timer.unref()
  return {
    async stop() {
      clearInterval(timer)
      await running
    },
  }
}
