import { agentGuid } from '@agenttrail/protocol'
import type { AgentSummary, Store } from '../store/store.js'
import { DAY_MS, floorTo } from '../store/time-buckets.js'
import type { AgentRef } from './archive-day.js'
import { dayName, dayStartOf, storeDayCount, storeDayLines } from './archive-day.js'
import type { ArchiveDay, ArchiveFiles } from './archive-files.js'

/** Days after which a day's file is gzipped (Wiro: day 7 onwards). */
export const COMPRESS_AFTER_DAYS = 7

export interface ArchiveReport {
  /** Whether this process led the pass (wrote and gzipped); every process removes. */
  leading: boolean
  written: number
  rewritten: number
  compressed: number
  /** Files removed: of deleted days, past a retention, or written while their day changed. */
  deleted: number
}

/** One pass over one org, as `runArchive` describes. */
export interface OrgPass {
  store: Store
  files: ArchiveFiles
  now: number
  /** Days a file may exist for start here or later (the archive retention and the org's plan). */
  oldest: number
  graceMs: number
  /** Whether this process leads the maintenance jobs (`store.tryLead`). */
  leading: boolean
  report: ArchiveReport
}

export async function archiveOrg(pass: OrgPass, orgId: string): Promise<void> {
  const byGuid = new Map<string, AgentSummary>()
  for (const agent of await pass.store.events.agents(orgId, {}))
    byGuid.set(agentGuid(orgId, agent.environment, agent.name), agent)
  // Folders of agents the store no longer has are visited too: their files have nothing behind them.
  for (const guid of new Set([...byGuid.keys(), ...(await pass.files.agents(orgId))]))
    await archiveAgent(pass, orgId, guid, byGuid.get(guid))
}

async function archiveAgent(
  pass: OrgPass,
  orgId: string,
  guid: string,
  summary: AgentSummary | undefined,
) {
  const ref: AgentRef | undefined = summary && {
    orgId,
    environment: summary.environment,
    name: summary.name,
  }
  const counts =
    summary && ref
      ? await dayCounts(pass.store, ref, summary, pass.oldest)
      : new Map<number, number>()
  const onDisk = await pass.files.days(orgId, guid)
  for (const date of [...onDisk.keys()]) {
    const start = dayStartOf(date)
    if (start >= pass.oldest && counts.has(start)) continue
    // Nothing in the store backs this file (the day was deleted, or is past a retention).
    await pass.files.remove(orgId, guid, date)
    onDisk.delete(date)
    pass.report.deleted++
  }
  if (!pass.leading || !ref) return
  for (const [start, events] of counts)
    // A day is archived once it has been over for the grace period, so that late events are in it.
    if (start + DAY_MS + pass.graceMs <= pass.now)
      await archiveDay(pass, ref, guid, start, events, onDisk.get(dayName(start)))
}

/** Events per UTC day of the agent in the store, for the days a file may exist for; days without events are absent. */
async function dayCounts(
  store: Store,
  ref: AgentRef,
  summary: AgentSummary,
  oldest: number,
): Promise<Map<number, number>> {
  const counts = new Map<number, number>()
  const from = Math.max(oldest, floorTo(Date.parse(summary.first_seen), DAY_MS))
  const to = floorTo(Date.parse(summary.last_seen), DAY_MS) + DAY_MS
  if (from >= to) return counts
  const stats = await store.events.stats(ref.orgId, {
    from,
    to,
    bucket: 'day',
    environment: ref.environment,
    agent: ref.name,
  })
  for (const point of stats.series)
    if (point.events > 0) counts.set(Date.parse(point.start), point.events)
  return counts
}

/**
 * Brings one finished day's file in line with the store: written when missing or when it holds a
 * different number of events (late events), gzipped from day 7. A file just written or gzipped is
 * checked against the store once more and removed when the day changed meanwhile; the next pass
 * writes it again if the day still has events. See `runArchive` for why this keeps deleted days gone.
 */
async function archiveDay(
  pass: OrgPass,
  ref: AgentRef,
  guid: string,
  start: number,
  events: number,
  onDisk: ArchiveDay | undefined,
) {
  const { files, report } = pass
  const date = dayName(start)
  let lines = onDisk && (await files.lines(ref.orgId, guid, date, onDisk))
  let plain = onDisk?.plain ?? false
  let changed = false
  if (lines !== events) {
    lines = await files.write(ref.orgId, guid, date, storeDayLines(pass.store.events, ref, start))
    report[onDisk ? 'rewritten' : 'written']++
    plain = changed = true
  }
  // A day that has both forms was gzipped before: its plain file is the newer and is gzipped again.
  if (plain && (start <= floorTo(pass.now, DAY_MS) - COMPRESS_AFTER_DAYS * DAY_MS || onDisk?.gz)) {
    lines = await files.compress(ref.orgId, guid, date)
    if (lines === undefined) return // removed meanwhile, by LogsDelete
    report.compressed++
    changed = true
  }
  // An empty file is a day deleted before any of it was read.
  if (changed && (lines === 0 || (await storeDayCount(pass.store.events, ref, start)) !== lines)) {
    await files.remove(ref.orgId, guid, date)
    report.deleted++
  }
}
