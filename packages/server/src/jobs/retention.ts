import type { GroupCommitter } from '../ingest/group-committer.js'
import { recordAudit } from '../ingest/record-audit.js'
import type { Logger } from '../log.js'
import { errorFields } from '../log.js'
import type { EventStore, Store } from '../store/store.js'
import { DAY_MS, HOUR_MS, floorTo } from '../store/time-buckets.js'
import { createArchiveFiles } from '../archive/archive-files.js'
import { MAINTENANCE } from './maintenance.js'

export interface RetentionPassOptions {
  store: Pick<Store, 'orgs' | 'events' | 'tryLead'>
  /** Where the audit event of a deletion is appended (the ingest group committer). */
  committer: Pick<GroupCommitter, 'append'>
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
  /** Archive files removed: those of days that begin before `before`. */
  filesRemoved: number
  /** Events with `ts` before this (ISO 8601) were deleted. */
  before: string
}

/**
 * One retention pass, run by the leader of the maintenance jobs only (`store.tryLead`): for each
 * org whose plan sets `retention_days`, deletes its events older than that many days (with
 * everything derived from them, see `EventStore.delete`) and its archive files of days that begin
 * before that cutoff. When anything was removed, appends one audit event saying how much and up to
 * when, so that nothing disappears without a trace; it is recorded even when the pass fails part
 * way, for what was removed until then.
 */
export async function runRetention(options: RetentionPassOptions): Promise<RetentionResult[]> {
  if (!(await options.store.tryLead(MAINTENANCE))) return []
  const now = (options.now ?? Date.now)()
  const files = createArchiveFiles(options.dataDir)
  const results: RetentionResult[] = []
  for (const { orgId, retentionDays } of await options.store.orgs.retentionPolicies()) {
    const cutoff = now - retentionDays * DAY_MS
    const result: RetentionResult = {
      orgId,
      deleted: 0,
      filesRemoved: 0,
      before: new Date(cutoff).toISOString(),
    }
    try {
      await deleteBefore(options.store.events, orgId, cutoff, (n) => (result.deleted += n))
      result.filesRemoved = await files.prune(orgId, cutoff)
    } finally {
      if (result.deleted > 0 || result.filesRemoved > 0) {
        const archived = result.filesRemoved > 0 ? ` and ${result.filesRemoved} archive files` : ''
        await recordAudit(
          options.committer,
          orgId,
          {
            action: 'retention.delete',
            user: 'system',
            title: `Retention: ${result.deleted} events older than ${retentionDays} days deleted${archived}`,
            metadata: {
              deleted: result.deleted,
              before: result.before,
              archive_files_removed: result.filesRemoved,
            },
          },
          now,
        )
        results.push(result)
      }
    }
  }
  return results
}

/**
 * Deletes the org's events older than `cutoff` one UTC day per transaction, oldest first, so that
 * a large backlog never holds the SQLite writer or the org's row lock on PostgreSQL for long:
 * appends of the org go in between.
 */
async function deleteBefore(
  events: EventStore,
  orgId: string,
  cutoff: number,
  deleted: (n: number) => void,
): Promise<void> {
  for (
    let oldest = await events.oldest(orgId);
    oldest !== undefined && oldest < cutoff;
    oldest = await events.oldest(orgId)
  ) {
    const n = await events.delete(orgId, {
      from: oldest,
      to: Math.min(floorTo(oldest, DAY_MS) + DAY_MS, cutoff),
    })
    // The oldest event is in the range, so 0 means it went meanwhile; ask again rather than spin.
    if (n === 0 && (await events.oldest(orgId)) === oldest)
      throw new Error('retention made no progress')
    deleted(n)
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
