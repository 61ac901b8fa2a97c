import { readFile, readdir, stat, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { eventFromActivity } from '@agenttrail/protocol'
import { createLogger, runArchive, startArchive } from '@agenttrail/server'
import { newEvent } from '../helpers/events.js'
import { DIALECTS } from '../helpers/test-app.js'
import { LOGS_FILE_EVENTS, SHAPE_EXAMPLE } from './wiro-fixtures.js'
import { DAY_MS, createWiroApp, dayOf } from './wiro-helpers.js'
import type { WiroApp } from './wiro-helpers.js'

const TODAY = Math.floor(Date.now() / DAY_MS) * DAY_MS
/** The archive job's clock: noon today, past the grace period after yesterday's end whenever the test runs. */
const NOW = TODAY + DAY_MS / 2
/** An event at 10:00 UTC on the day `daysAgo` before today (today: a second after midnight). */
const eventOn = (daysAgo: number, title: string, extra: object = {}) => ({
  ...SHAPE_EXAMPLE,
  ts: new Date(TODAY - daysAgo * DAY_MS + (daysAgo === 0 ? 1_000 : 36_000_000)).toISOString(),
  title,
  ...extra,
})

describe.each(DIALECTS)('Wiro daily archives (%s)', (dialect) => {
  let t: WiroApp
  let guid: string
  let dir: string
  const archive = (now = NOW, retentionDays = 180) =>
    runArchive({ store: t.store, dataDir: t.dataDir, retentionDays, now: () => now })
  const files = async () => (await readdir(dir).catch(() => [] as string[])).sort()
  const logsFile = async (date: string) =>
    (await t.wiro('LogsFile', { useragentguid: guid, date })).body

  beforeEach(async () => {
    t = await createWiroApp(dialect, { AGENTTRAIL_ARCHIVE_RETENTION_DAYS: '180' })
    guid = await t.ingest([
      eventOn(200, 'old'),
      eventOn(8, 'week ago'),
      eventOn(3, 'a'),
      eventOn(3, 'b'),
      eventOn(1, 'yesterday'),
      eventOn(0, 'today'),
    ])
    dir = join(t.dataDir, 'archives', 'org-a', guid)
  })
  afterEach(() => t.close())

  it('writes each finished day within the retention once, gzips from day 7, and a second pass changes nothing', async () => {
    const first = await archive()
    expect(first).toEqual({ leading: true, written: 3, rewritten: 0, compressed: 1, deleted: 0 })
    expect(await files()).toEqual([
      `${dayOf(TODAY - 8 * DAY_MS)}.jsonl.gz`,
      `${dayOf(TODAY - 3 * DAY_MS)}.jsonl`,
      `${dayOf(TODAY - DAY_MS)}.jsonl`,
    ])
    const text = await readFile(join(dir, `${dayOf(TODAY - 3 * DAY_MS)}.jsonl`), 'utf8')
    // Oldest first, one ActivityEvent per line, exactly as LogsFile decodes it.
    expect(
      text
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([...(await logsFile(dayOf(TODAY - 3 * DAY_MS))).events].reverse())
    const gz = gunzipSync(
      await readFile(join(dir, `${dayOf(TODAY - 8 * DAY_MS)}.jsonl.gz`)),
    ).toString('utf8')
    expect(JSON.parse(gz.trim()).title).toBe('week ago')
    const before = await Promise.all(
      (await files()).map(async (f) => [(await stat(join(dir, f))).mtimeMs, f]),
    )
    expect(await archive()).toEqual({
      leading: true,
      written: 0,
      rewritten: 0,
      compressed: 0,
      deleted: 0,
    })
    expect(
      await Promise.all((await files()).map(async (f) => [(await stat(join(dir, f))).mtimeMs, f])),
    ).toEqual(before)
  })

  it('keeps days 1 to 6 plain and gzips from day 7, as Wiro rotates', async () => {
    await t.ingest([eventOn(6, 'six'), eventOn(7, 'seven')])
    await archive()
    expect(await files()).toContain(`${dayOf(TODAY - 7 * DAY_MS)}.jsonl.gz`)
    expect(await files()).toContain(`${dayOf(TODAY - 6 * DAY_MS)}.jsonl`)
    // Day 180 is kept, day 181 is deleted.
    await archive(NOW + 173 * DAY_MS)
    expect(await files()).toContain(`${dayOf(TODAY - 7 * DAY_MS)}.jsonl.gz`)
    expect(await files()).not.toContain(`${dayOf(TODAY - 8 * DAY_MS)}.jsonl.gz`)
  })

  it('runs a pass as soon as it starts, and stopping waits for it', async () => {
    const job = startArchive({
      store: t.store,
      dataDir: t.dataDir,
      retentionDays: 180,
      logger: createLogger('silent'),
      now: () => NOW,
    })
    await job.stop()
    expect(await files()).toHaveLength(3)
  })

  it('lists archive files with their sizes on disk, and today with its rendered size', async () => {
    await archive()
    const res = await t.wiro('LogsList', { useragentguid: guid })
    expect(res.body.result).toBe(true)
    const onDisk = await Promise.all(
      (await files()).map(async (f) => ({
        date: f.slice(0, 10),
        sizeBytes: (await stat(join(dir, f))).size,
        compressed: f.endsWith('.gz'),
      })),
    )
    const today = (await t.wiro('Logs', { useragentguid: guid })).body.events as object[]
    const todaySize = Buffer.byteLength(today.map((e) => `${JSON.stringify(e)}\n`).join(''))
    // The 200-day-old day is past the retention: in the store, but not listed.
    expect(res.body.dates).toEqual([
      { date: dayOf(TODAY), sizeBytes: todaySize, compressed: false },
      ...onDisk.reverse(),
    ])
  })

  it('reads the same events from the store, the plain file and the gzipped file', async () => {
    const date = dayOf(TODAY - 3 * DAY_MS)
    const fromStore = await logsFile(date)
    expect(fromStore.events.map((e: { title: string }) => e.title)).toEqual(['b', 'a'])
    await archive()
    expect(await files()).toContain(`${date}.jsonl`)
    expect(await logsFile(date)).toEqual(fromStore)
    const tail = (await t.wiro('Logs', { useragentguid: guid, date, lines: 1 })).body
    expect(tail).toMatchObject({ totalLines: 2, events: [fromStore.events[0]] })
    await archive(NOW + 5 * DAY_MS)
    expect(await files()).toContain(`${date}.jsonl.gz`)
    expect(await files()).not.toContain(`${date}.jsonl`)
    expect(await logsFile(date)).toEqual(fromStore)
    expect((await t.wiro('Logs', { useragentguid: guid, date, lines: 1 })).body).toEqual(tail)
  })

  it('deletes files older than the retention the operator set', async () => {
    await archive()
    // Ten days on, the files are 11, 13 and 18 days old; today's day has finished and is 10 days old.
    const report = await archive(NOW + 10 * DAY_MS, 12)
    expect(report).toEqual({ leading: true, written: 1, rewritten: 0, compressed: 2, deleted: 2 })
    expect(await files()).toEqual([`${dayOf(TODAY - DAY_MS)}.jsonl.gz`, `${dayOf(TODAY)}.jsonl.gz`])
  })

  it('rewrites a plain file when late events arrive for its day', async () => {
    await archive()
    await t.ingest([eventOn(1, 'late')])
    expect(await archive()).toMatchObject({ written: 0, rewritten: 1 })
    expect(
      (await logsFile(dayOf(TODAY - DAY_MS))).events.map((e: { title: string }) => e.title),
    ).toEqual(['late', 'yesterday'])
  })

  it('never shows a half-written file and clears one a crash left behind', async () => {
    await archive()
    const stale = join(dir, `${dayOf(TODAY - 2 * DAY_MS)}.jsonl.123.abc.tmp`)
    await writeFile(stale, '{"ts":"half')
    // A minute old by the job's clock: it may be a write in progress.
    await utimes(stale, new Date(NOW - 60_000), new Date(NOW - 60_000))
    const listed = (await t.wiro('LogsList', { useragentguid: guid })).body.dates.map(
      (d: { date: string }) => d.date,
    )
    expect(listed).not.toContain(dayOf(TODAY - 2 * DAY_MS))
    await archive()
    expect(await files()).toContain(stale.slice(dir.length + 1))
    await utimes(stale, new Date(NOW - 2 * 3_600_000), new Date(NOW - 2 * 3_600_000))
    await archive()
    expect(await files()).not.toContain(stale.slice(dir.length + 1))
  })

  it('caps LogsFile at 50,000 events, the newest, and says it truncated, from the store and from the file', async () => {
    const date = dayOf(TODAY - 2 * DAY_MS)
    const start = TODAY - 2 * DAY_MS
    // 50,001 events of one day, straight into the store (the HTTP path is tested elsewhere). Slow
    // under load: the appends, the archive and the check of each 50,000-event answer's schema.
    for (let from = 0; from <= 50_000; from += 10_000) {
      const batch = Array.from({ length: Math.min(10_000, 50_001 - from) }, (_, j) => {
        const i = from + j
        const activity = {
          ...LOGS_FILE_EVENTS[1],
          ts: new Date(start + i * 1_000).toISOString(),
          title: `line ${i}`,
        }
        return {
          orgId: 'org-a',
          event: newEvent(
            eventFromActivity(activity as never, { agent: 'blog-bot', environment: 'production' }),
          ),
        }
      })
      await t.store.events.append(batch)
    }
    const check = async () => {
      const res = await logsFile(date)
      expect(res).toMatchObject({ result: true, date, truncated: true })
      expect(res.events).toHaveLength(50_000)
      expect(res.events[0].title).toBe('line 50000')
      expect(res.events[49_999].title).toBe('line 1')
      expect((await t.wiro('Logs', { useragentguid: guid, date, lines: 2 })).body.totalLines).toBe(
        50_001,
      )
    }
    await check()
    await archive()
    expect(await files()).toContain(`${date}.jsonl`)
    await check()
  }, 300_000)

  it('deletes a day’s events and its archive files, reports which files went, and records it', async () => {
    await archive()
    const plainDay = dayOf(TODAY - 3 * DAY_MS)
    const gzDay = dayOf(TODAY - 8 * DAY_MS)
    expect(
      (await t.wiro('LogsDelete', { useragentguid: guid, date: plainDay })).body,
    ).toMatchObject({
      removed: { plain: true, gz: false },
    })
    expect((await t.wiro('LogsDelete', { useragentguid: guid, date: gzDay })).body).toMatchObject({
      removed: { plain: false, gz: true },
    })
    expect(await files()).toEqual([`${dayOf(TODAY - DAY_MS)}.jsonl`])
    expect((await logsFile(plainDay)).errors[0].message).toBe(
      'Failed to fetch activity file from worker',
    )
    // The store has nothing of those days left, so the next pass does not write them back.
    expect(await archive()).toEqual({
      leading: true,
      written: 0,
      rewritten: 0,
      compressed: 0,
      deleted: 0,
    })
    // Each delete is an erasure: its tombstone names the agent and day, and the seqs it erased.
    const audit = await t.json('GET', '/api/v1/events?kind=audit', { key: t.adminKey })
    expect(audit.body.events.map((e: { metadata: object }) => e.metadata)).toEqual([
      expect.objectContaining({
        reason: 'LogsDelete',
        count: 1,
        selector: { by: 'agent_day', agent: 'blog-bot', day: gzDay, environment: 'production' },
      }),
      expect.objectContaining({
        reason: 'LogsDelete',
        count: 2,
        selector: { by: 'agent_day', agent: 'blog-bot', day: plainDay, environment: 'production' },
      }),
    ])
    const stats = await t.json('GET', `/api/v1/agents/blog-bot`, { key: t.adminKey })
    // 6 ingested, 3 deleted; the audit records name no agent.
    expect(stats.body.environments[0].events).toBe(3)
  })
})
