import type { ActivityEvent } from '@agenttrail/protocol'
import type { AgentRef } from '../../../jobs/archive-day.js'
import { dayName, storeDayCount, storeDayLines, storeDayNewest } from '../../../jobs/archive-day.js'
import type { ArchiveEntry, ArchiveFiles } from '../../../jobs/archive-files.js'
import { readArchive } from '../../../jobs/archive-read.js'
import type { EventStore } from '../../../store/store.js'
import { DAY_MS, floorTo } from '../../../store/time-buckets.js'
import type { ResolvedAgent } from './wiro-agent.js'

/** Where a day's activity is read from: its archive file, else the store. */
export interface ActivitySource {
  files: ArchiveFiles
  events: EventStore
}

export interface ActivityDay {
  /** Newest first, at most the limit asked for. */
  events: ActivityEvent[]
  /** Every event of the agent that day. */
  total: number
  /** False when the day has neither an archive file nor events in the store. */
  found: boolean
}

/**
 * The newest `limit` events of the agent's UTC day, newest first: from the archive file when the
 * day has one (plain or gzipped, the same decoded events), else from the store (today, or a day the
 * archive job has not reached yet).
 */
export async function readActivityDay(source: ActivitySource, agent: ResolvedAgent, date: string, limit: number): Promise<ActivityDay> {
  const file = await source.files.find(agent.ref.orgId, agent.guid, date)
  if (file) return { ...(await readArchive(file, limit)), found: true }
  const dayStart = Date.parse(`${date}T00:00:00Z`)
  const total = await storeDayCount(source.events, agent.ref, dayStart)
  if (total === 0) return { events: [], total: 0, found: false }
  return { events: await storeDayNewest(source.events, agent.ref, dayStart, limit), total, found: true }
}

/**
 * The days `LogsList` reports, newest first: every archive file with its size on disk, and every
 * day within the archive retention that has events in the store but no file yet (today, above all),
 * sized as its JSONL rendering would be and not compressed.
 */
export async function listActivityDays(
  source: ActivitySource,
  agent: ResolvedAgent,
  now: number,
  retentionDays: number,
): Promise<ArchiveEntry[]> {
  const entries = await source.files.list(agent.ref.orgId, agent.guid)
  const archived = new Set(entries.map((e) => e.date))
  const today = floorTo(now, DAY_MS)
  const from = Math.max(today - retentionDays * DAY_MS, floorTo(Date.parse(agent.summary.first_seen), DAY_MS))
  const to = floorTo(Date.parse(agent.summary.last_seen), DAY_MS) + DAY_MS
  if (from < to) {
    const stats = await source.events.stats(agent.ref.orgId, {
      from,
      to,
      bucket: 'day',
      environment: agent.ref.environment,
      agent: agent.ref.name,
    })
    for (const point of stats.series) {
      const date = dayName(Date.parse(point.start))
      if (point.events > 0 && !archived.has(date))
        entries.push({ date, sizeBytes: await renderedBytes(source.events, agent.ref, Date.parse(point.start)), compressed: false })
    }
  }
  return entries.sort((a, b) => (a.date < b.date ? 1 : -1))
}

async function renderedBytes(events: EventStore, agent: AgentRef, dayStart: number): Promise<number> {
  let bytes = 0
  for await (const chunk of storeDayLines(events, agent, dayStart)) bytes += Buffer.byteLength(chunk)
  return bytes
}
