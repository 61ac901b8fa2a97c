import { stat, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { agentGuid } from '@agenttrail/protocol'
import type { Logger } from '../log.js'
import { errorFields } from '../log.js'
import type { Store } from '../store/store.js'
import { DAY_MS, HOUR_MS, floorTo } from '../store/time-buckets.js'
import type { AgentRef } from './archive-day.js'
import { dayName, dayStartOf, storeDayLines } from './archive-day.js'
import { compressFile, createArchiveFiles, lockDay, walkArchives } from './archive-files.js'
import type { ArchiveFiles } from './archive-files.js'
import { countArchiveLines } from './archive-read.js'

/** Days after which a day's file is gzipped (Wiro: day 7 onwards). */
export const COMPRESS_AFTER_DAYS = 7

export interface ArchivePassOptions {
  store: Store
  dataDir: string
  /** Days a file is kept; older ones are deleted. */
  retentionDays: number
  /** The clock. Default `Date.now`. */
  now?: () => number
}

export interface ArchiveOptions extends ArchivePassOptions {
  logger: Logger
  /** Default one hour. */
  intervalMs?: number
}

export interface ArchiveReport {
  written: number
  rewritten: number
  compressed: number
  deleted: number
}

/**
 * One pass of the daily archive: each finished UTC day of each agent, within the retention, gets its
 * file (rewritten while still plain if late events changed the day); files from day 7 on are
 * gzipped; files older than the retention are deleted. Idempotent: a second pass changes nothing.
 */
export async function runArchive(options: ArchivePassOptions): Promise<ArchiveReport> {
  const today = floorTo((options.now ?? Date.now)(), DAY_MS)
  const oldest = today - options.retentionDays * DAY_MS
  const files = createArchiveFiles(options.dataDir)
  const report: ArchiveReport = { written: 0, rewritten: 0, compressed: 0, deleted: 0 }
  const orgs = new Set((await options.store.keys.list()).map((k) => k.org_id))
  for (const orgId of orgs)
    for (const agent of await options.store.events.agents(orgId, {})) {
      const from = Math.max(oldest, floorTo(Date.parse(agent.first_seen), DAY_MS))
      const to = Math.min(today, floorTo(Date.parse(agent.last_seen), DAY_MS) + DAY_MS)
      if (from < to) await archiveAgent(options.store, files, { orgId, environment: agent.environment, name: agent.name }, from, to, report)
    }
  for await (const entry of walkArchives(files.root)) {
    const path = join(entry.dir, entry.name)
    if (entry.name.endsWith('.tmp')) {
      // Left by a crash (a write in progress is younger than this).
      const info = await stat(path).catch(() => undefined)
      if (info && info.mtimeMs < (options.now ?? Date.now)() - HOUR_MS) await unlink(path).catch(() => undefined)
    } else if (entry.date !== undefined) {
      const day = dayStartOf(entry.date)
      if (day < oldest) {
        await unlink(path).catch(() => undefined)
        report.deleted++
      } else if (!entry.compressed && day <= today - COMPRESS_AFTER_DAYS * DAY_MS) {
        await compressFile(path)
        report.compressed++
      }
    }
  }
  return report
}

async function archiveAgent(store: Store, files: ArchiveFiles, agent: AgentRef, from: number, to: number, report: ArchiveReport) {
  const guid = agentGuid(agent.orgId, agent.environment, agent.name)
  const stats = await store.events.stats(agent.orgId, { from, to, bucket: 'day', environment: agent.environment, agent: agent.name })
  for (const point of stats.series) {
    if (point.events === 0) continue
    const day = Date.parse(point.start)
    const date = dayName(day)
    await lockDay(`${agent.orgId}\u0000${guid}\u0000${date}`, async () => {
      const file = await files.find(agent.orgId, guid, date)
      if (file && (file.compressed || (await countArchiveLines(file)) === point.events)) return
      await files.write(agent.orgId, guid, date, storeDayLines(store.events, agent, day))
      if (file) report.rewritten++
      else report.written++
    })
  }
}

/** Runs the archive at start and then every hour, one pass at a time. */
export function startArchive(options: ArchiveOptions) {
  let running: Promise<void> | undefined
  const tick = () => {
    running ??= runArchive(options)
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
