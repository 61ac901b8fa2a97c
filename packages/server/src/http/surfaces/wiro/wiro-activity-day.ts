import type { ActivityEvent } from '@agenttrail/protocol'
import { dayName, dayStartOf, storeDayCount, storeDayNewest } from '../../../archive/archive-day.js'
import type { ArchiveEntry, ArchiveFiles } from '../../../archive/archive-files.js'
import { isMissing } from '../../../archive/archive-fs.js'
import { readArchive } from '../../../archive/archive-read.js'
import type { EventStore } from '../../../store/store.js'
import { DAY_MS, floorTo } from '../../../store/time-buckets.js'
import type { ResolvedAgent } from './wiro-agent.js'
import type { RenderedSizes } from './wiro-rendered-sizes.js'

/** Where a day's activity is read from: the store, or its archive file when that is a whole copy. */
export interface ActivitySource {
  files: ArchiveFiles
  events: EventStore
  sizes: RenderedSizes
}

export interface ActivityDay {
  /** Newest first, at most the limit asked for. */
  events: ActivityEvent[]
  /** Every event of the agent that day. */
  total: number
  /** False when the store has no events of the agent that day. */
  found: boolean
}

/**
 * The newest `limit` events of the agent's UTC day, newest first. The store is the truth: a day
 * without events in the store is not found, whatever file may still be on disk (a day deleted on
 * another server, or while the archive job was writing it, until the job removes the file). The
 * day's archive file (plain or gzipped, the same decoded events) is served when it holds exactly
 * as many events as the store; a file that does not (late events, a day still being rewritten)
 * gives way to the store.
 */
export async function readActivityDay(
  source: ActivitySource,
  agent: ResolvedAgent,
  date: string,
  limit: number,
): Promise<ActivityDay> {
  const dayStart = dayStartOf(date)
  const total = await storeDayCount(source.events, agent.ref, dayStart)
  if (total === 0) return { events: [], total: 0, found: false }
  const file = await source.files.find(agent.ref.orgId, agent.guid, date)
  if (file) {
    const read = await readArchive(file, limit).catch((error: unknown) => {
      if (isMissing(error)) return undefined // removed since it was found
      throw error
    })
    if (read?.total === total) return { ...read, found: true }
  }
  return {
    events: await storeDayNewest(source.events, agent.ref, dayStart, limit),
    total,
    found: true,
  }
}

/**
 * The days `LogsList` reports, newest first: the days within the archive retention on which the
 * store has events of the agent. A day with an archive file is reported with the file's size on
 * disk and whether it is gzipped; a day without one (today, above all) with the size of its JSONL
 * rendering, not compressed. Files of days without events in the store are not reported: nothing
 * backs them, and the archive job removes them.
 */
export async function listActivityDays(
  source: ActivitySource,
  agent: ResolvedAgent,
  now: number,
  retentionDays: number,
): Promise<ArchiveEntry[]> {
  const from = Math.max(
    floorTo(now, DAY_MS) - retentionDays * DAY_MS,
    floorTo(Date.parse(agent.summary.first_seen), DAY_MS),
  )
  const to = floorTo(Date.parse(agent.summary.last_seen), DAY_MS) + DAY_MS
  if (from >= to) return []
  const files = new Map(
    (await source.files.list(agent.ref.orgId, agent.guid)).map((e) => [e.date, e]),
  )
  const stats = await source.events.stats(agent.ref.orgId, {
    from,
    to,
    bucket: 'day',
    environment: agent.ref.environment,
    agent: agent.ref.name,
  })
  const entries: ArchiveEntry[] = []
  for (const point of stats.series) {
    if (point.events === 0) continue
    const dayStart = Date.parse(point.start)
    const date = dayName(dayStart)
    entries.push(
      files.get(date) ?? {
        date,
        sizeBytes: await source.sizes.bytes(source.events, agent.ref, dayStart, point.events),
        compressed: false,
      },
    )
  }
  return entries.sort((a, b) => (a.date < b.date ? 1 : -1))
}
