import { normalizeEvent } from '@agenttrail/protocol'
import type { GroupCommitter } from '../ingest/group-committer.js'
import type { Logger } from '../log.js'
import { errorFields } from '../log.js'
import type { Store } from '../store/store.js'
import { DAY_MS } from '../store/time-buckets.js'

/** The earliest time a Date can hold (ISO 8601 allows events before 1970). */
const EARLIEST = -8.64e15

export interface RetentionPassOptions {
  store: Pick<Store, 'orgs' | 'events'>
  /** Where the audit event of a deletion is appended (the ingest group committer). */
  committer: Pick<GroupCommitter, 'append'>
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
  /** Events with `ts` before this (ISO 8601) were deleted. */
  before: string
}

/**
 * One retention pass: for each org whose plan sets `retention_days`, deletes its events older than
 * that many days (with everything derived from them, see `EventStore.delete`) and, when anything
 * was deleted, appends one audit event saying how many and up to when, so that nothing disappears
 * without a trace. The audit event is the system's own record: it passes no plan gate.
 */
export async function runRetention(options: RetentionPassOptions): Promise<RetentionResult[]> {
  const now = (options.now ?? Date.now)()
  const results: RetentionResult[] = []
  for (const { orgId, retentionDays } of await options.store.orgs.retentionPolicies()) {
    const before = now - retentionDays * DAY_MS
    const deleted = await options.store.events.delete(orgId, { from: EARLIEST, to: before })
    if (deleted === 0) continue
    const result = { orgId, deleted, before: new Date(before).toISOString() }
    const audit = normalizeEvent(
      {
        kind: 'audit',
        action: 'retention.delete',
        user: 'system',
        title: `Retention: ${deleted} events older than ${retentionDays} days deleted`,
        metadata: { deleted, before: result.before },
      },
      { now },
    )
    if (!audit.ok) throw new Error('the retention audit event is not valid')
    await options.committer.append([{ orgId, event: audit.event }])
    results.push(result)
  }
  return results
}

/** Runs a retention pass a minute after start and then every `intervalMs`; `stop()` waits for a running pass. */
export function startRetention(options: RetentionOptions) {
  let running: Promise<void> | undefined
  const run = () => {
    running ??= runRetention(options)
      .then((results) => {
        for (const r of results) options.logger.info('retention deleted events', { org_id: r.orgId, deleted: r.deleted, before: r.before })
      })
      .catch((error: unknown) => options.logger.error('retention pass failed', errorFields(error)))
      .finally(() => (running = undefined))
  }
  const first = setTimeout(run, 60_000)
  const timer = setInterval(run, options.intervalMs ?? 3_600_000)
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
