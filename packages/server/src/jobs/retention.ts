import type { Logger } from '../log.js'
import { errorFields } from '../log.js'
import type { EventStore, Store } from '../store/store.js'
import { DAY_MS, HOUR_MS, floorTo } from '../store/time-buckets.js'
import type { ErasureRecord } from '../store/tombstone.js'
import { createArchiveFiles } from '../archive/archive-files.js'
import { MAINTENANCE } from './maintenance.js'

export interface RetentionPassOptions {
  store: Pick<Store, 'orgs' | 'events' | 'tryLead'>
  /** The data folder: archive files of days the plan no longer keeps go with the events. */
  dataDir: string
  /** The clock. Default `Date.now`. */
  now?: () => number
}

export interface RetentionOptions extends RetentionPassOptions {
  logger: Logger
  /** Default one hour. */
  intervalMs?: number
}

export interface RetentionResult {
  orgId: string
  deleted: number
  /** Tombstones appended (`log.erasure`, one or more per erased day). */
  tombstones: number
  /** Archive files removed: those of days that begin before `before`. */
  filesRemoved: number
  /** Events with `ts` before this (ISO 8601) were deleted. */
  before: string
}

/**
 * One retention pass, run by the leader of the maintenance jobs only (`store.tryLead`): for each
 * org whose plan sets `retention_days`, erases its events older than that many days (with
 * everything derived from them and their openings in the log, see `EventStore.erase`) and then its
 * archive files of days that begin before that cutoff. Every erasure appends its tombstones
 * (`log.erasure`, selector `retention`, `user: system`) in its own transaction, so nothing
 * disappears without a trace even when the pass fails part way. Audit events are kept: they are
 * the trail's record of what was done to it, the tombstones first.
 */
export async function runRetention(options: RetentionPassOptions): Promise<RetentionResult[]> {
  if (!(await options.store.tryLead(MAINTENANCE))) return []
  const now = (options.now ?? Date.now)()
  const files = createArchiveFiles(options.dataDir)
  const results: RetentionResult[] = []
  for (const { orgId, retentionDays } of await options.store.orgs.retentionPolicies()) {
    const cutoff = now - retentionDays * DAY_MS
    const before = new Date(cutoff).toISOString()
    const result: RetentionResult = { orgId, deleted: 0, tombstones: 0, filesRemoved: 0, before }
    const record: ErasureRecord = {
      reason: `retention: events older than ${retentionDays} days`,
      selector: { by: 'retention', before, retention_days: retentionDays },
      requestRef: null,
      actor: 'system',
    }
    await eraseBefore(options.store.events, orgId, cutoff, record, (n, tombstones) => {
      result.deleted += n
      result.tombstones += tombstones
    })
    result.filesRemoved = await files.prune(orgId, cutoff)
    if (result.deleted > 0 || result.filesRemoved > 0) results.push(result)
  }
  return results
}

/**
 * Erases the org's events older than `cutoff` one UTC day per transaction, oldest first, so that
 * a large backlog never holds the SQLite writer or the org's row lock on PostgreSQL for long:
 * appends of the org go in between. Each day's erasure carries its own tombstones.
 */
async function eraseBefore(
  events: EventStore,
  orgId: string,
  cutoff: number,
  record: ErasureRecord,
  erased: (n: number, tombstones: number) => void,
): Promise<void> {
  for (
    let oldest = await events.oldest(orgId);
    oldest !== undefined && oldest < cutoff;
    oldest = await events.oldest(orgId)
  ) {
    const { erased: n, tombstones } = await events.erase(
      orgId,
      { from: oldest, to: Math.min(floorTo(oldest, DAY_MS) + DAY_MS, cutoff) },
      record,
    )
    // The oldest event is in the range, so 0 means it went meanwhile; ask again rather than spin.
    if (n === 0 && (await events.oldest(orgId)) === oldest)
      throw new Error('retention made no progress')
    erased(n, tombstones.length)
  }
}

/** Runs a retention pass a minute after start (sooner with a shorter interval) and then every `intervalMs`; `stop()` waits for a running pass. */
export function startRetention(options: RetentionOptions) {
  const intervalMs = options.intervalMs ?? HOUR_MS
  let running: Promise<void> | undefined
  const run = () => {
    running ??= runRetention(options)
      .then((results) => {
        for (const r of results)
          options.logger.info('retention deleted events', {
            org_id: r.orgId,
            deleted: r.deleted,
            tombstones: r.tombstones,
            files_removed: r.filesRemoved,
            before: r.before,
          })
      })
      .catch((error: unknown) => options.logger.error('retention pass failed', errorFields(error)))
      .finally(() => (running = undefined))
  }
  const first = setTimeout(run, Math.min(60_000, intervalMs))
  const timer = setInterval(run, intervalMs)
  first.unref()
  timer.unref()
  return {
    async stop() {
      clearTimeout(first)
      clearInterval(timer)
      await running
    },
  }
}
