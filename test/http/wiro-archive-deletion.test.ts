import { copyFile, readFile, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runArchive } from '@agenttrail/server'
import type { Store } from '@agenttrail/server'
import { DIALECTS } from '../helpers/test-app.js'
import { SHAPE_EXAMPLE } from './wiro-fixtures.js'
import { DAY_MS, createWiroApp, dayOf } from './wiro-helpers.js'
import type { WiroApp } from './wiro-helpers.js'
import { eraseRange } from '../helpers/erasure.js'

const TODAY = Math.floor(Date.now() / DAY_MS) * DAY_MS
const NOW = TODAY + DAY_MS / 2
const eventOn = (daysAgo: number, title: string, hour = 10) => ({
  ...SHAPE_EXAMPLE,
  ts: new Date(TODAY - daysAgo * DAY_MS + (daysAgo === 0 ? 1_000 : hour * 3_600_000)).toISOString(),
  title,
})
type Events = Store['events']

describe.each(DIALECTS)('Wiro archives: what is deleted stays deleted (%s)', (dialect) => {
  let t: WiroApp
  let guid: string
  let dir: string
  const day = (daysAgo: number) => ({
    date: dayOf(TODAY - daysAgo * DAY_MS),
    start: TODAY - daysAgo * DAY_MS,
  })
  /** The store as the archive job sees it, with some of its event methods replaced. */
  const storeWith = (events: Partial<Events>): Store => ({
    ...t.store,
    events: { ...t.store.events, ...events },
  })
  const archive = (now = NOW, store: Store = t.store) =>
    runArchive({ store, dataDir: t.dataDir, retentionDays: 180, now: () => now })
  const files = async () => (await readdir(dir).catch(() => [] as string[])).sort()
  const logsFile = async (date: string) =>
    (await t.wiro('LogsFile', { useragentguid: guid, date })).body
  const titles = (body: { events: Array<{ title: string }> }) => body.events.map((e) => e.title)
  const audits = async () =>
    (await t.json('GET', '/api/v1/events?kind=audit', { key: t.adminKey })).body.events
  const notFound = {
    result: false,
    errors: [{ code: 1, message: 'Failed to fetch activity file from worker' }],
  }

  beforeEach(async () => {
    t = await createWiroApp(dialect, { AGENTTRAIL_ARCHIVE_RETENTION_DAYS: '180' })
    guid = await t.ingest([
      eventOn(8, 'week ago'),
      eventOn(3, 'a'),
      eventOn(3, 'b'),
      eventOn(1, 'yesterday'),
      eventOn(0, 'today'),
    ])
    dir = join(t.dataDir, 'archives', 'org-a', guid)
  })
  afterEach(() => t.close())

  it('does not write back a day deleted while the pass was writing it, whether or not it had read the events', async () => {
    const [three, one] = [day(3), day(1)]
    const fired = new Map<string, unknown>()
    const deleteDay = async (date: string) => {
      if (!fired.has(date))
        fired.set(date, (await t.wiro('LogsDelete', { useragentguid: guid, date })).body.removed)
    }
    const query: Events['query'] = async (orgId, filter, page) => {
      // The pass reads a day hour by hour: day 1 is deleted before any of it was read, day 3 once its events were.
      if (filter.from === one.start) await deleteDay(one.date)
      const result = await t.store.events.query(orgId, filter, page)
      const inThree =
        filter.from !== undefined &&
        filter.from >= three.start &&
        filter.from < three.start + DAY_MS
      if (inThree && result.items.length > 0) await deleteDay(three.date)
      return result
    }
    const report = await archive(NOW, storeWith({ query }))
    // Nothing was on disk yet when LogsDelete ran; the pass wrote both days and took them back itself.
    expect(Object.fromEntries(fired)).toEqual({
      [three.date]: { plain: false, gz: false },
      [one.date]: { plain: false, gz: false },
    })
    expect(report).toMatchObject({ written: 3, deleted: 2 })
    expect(await files()).toEqual([`${day(8).date}.jsonl.gz`])
    for (const date of [three.date, one.date]) expect(await logsFile(date)).toEqual(notFound)
    expect(await archive()).toMatchObject({ written: 0, rewritten: 0, deleted: 0 })
  })

  it('does not bring back a day deleted while its file was being gzipped', async () => {
    await archive()
    const three = day(3)
    let deleted = 0
    const count: Events['count'] = async (orgId, filter) => {
      // The check after the gzip: the day's events were deleted, and LogsDelete's removal ran before the rename.
      if (filter.from === three.start && deleted === 0)
        deleted = await eraseRange(t.store, orgId, {
          from: three.start,
          to: three.start + DAY_MS,
          agent: 'blog-bot',
          environment: 'production',
        })
      return t.store.events.count(orgId, filter)
    }
    const report = await archive(NOW + 5 * DAY_MS, storeWith({ count }))
    expect(deleted).toBe(2)
    expect(report).toMatchObject({ compressed: 1, deleted: 1 })
    expect((await files()).filter((f) => f.startsWith(three.date))).toEqual([])
    expect(await logsFile(three.date)).toEqual(notFound)
  })

  it('never serves or lists a file of a deleted day that is still on disk, and the next pass removes it', async () => {
    await archive()
    const three = day(3)
    const plain = join(dir, `${three.date}.jsonl`)
    await copyFile(plain, `${plain}.saved`)
    await t.wiro('LogsDelete', { useragentguid: guid, date: three.date })
    // The file comes back: another server's copy, or a write that raced the delete.
    await copyFile(`${plain}.saved`, plain)
    expect(await logsFile(three.date)).toEqual(notFound)
    expect((await t.wiro('Logs', { useragentguid: guid, date: three.date })).body).toMatchObject({
      totalLines: 0,
      events: [],
    })
    const listed = (await t.wiro('LogsList', { useragentguid: guid })).body.dates.map(
      (d: { date: string }) => d.date,
    )
    expect(listed).toEqual([day(0).date, day(1).date, day(8).date])
    expect(await archive()).toMatchObject({ deleted: 1 })
    expect(await files()).not.toContain(`${three.date}.jsonl`)

    // A LogsDelete that finds only such a file removes it; the events went with their tombstone
    // already, and a copy of them going needs none of its own.
    await copyFile(`${plain}.saved`, plain)
    const again = await t.wiro('LogsDelete', { useragentguid: guid, date: three.date })
    expect(again.body.removed).toEqual({ plain: true, gz: false })
    expect(
      (await audits()).map((e: { action: string; metadata: { count: number } }) => [
        e.action,
        e.metadata.count,
      ]),
    ).toEqual([['log.erasure', 2]])
  })

  it('serves the store when a file holds other events than it, also once gzipped, and the next pass rewrites the file', async () => {
    await archive(NOW + 5 * DAY_MS)
    const three = day(3)
    expect(await files()).toContain(`${three.date}.jsonl.gz`)
    await t.ingest([eventOn(3, 'late', 23)])
    expect(titles(await logsFile(three.date))).toEqual(['late', 'b', 'a'])
    expect(
      (await t.wiro('Logs', { useragentguid: guid, date: three.date, lines: 1 })).body,
    ).toMatchObject({ totalLines: 3 })
    expect(await archive(NOW + 5 * DAY_MS)).toMatchObject({
      written: 0,
      rewritten: 1,
      compressed: 1,
      deleted: 0,
    })
    const lines = gunzipSync(await readFile(join(dir, `${three.date}.jsonl.gz`)))
      .toString('utf8')
      .trimEnd()
      .split('\n')
    expect(lines.map((l) => JSON.parse(l).title)).toEqual(['a', 'b', 'late'])
    expect(await files()).not.toContain(`${three.date}.jsonl`)
    expect(titles(await logsFile(three.date))).toEqual(['late', 'b', 'a'])
  })

  it('waits an hour after a day ends before writing its file', async () => {
    const yesterday = day(1).date
    expect(await archive(TODAY + 59 * 60_000)).toMatchObject({ written: 2 })
    expect(await files()).not.toContain(`${yesterday}.jsonl`)
    expect(await archive(TODAY + 60 * 60_000)).toMatchObject({ written: 1 })
    expect(await files()).toContain(`${yesterday}.jsonl`)
  })

  it('appends a tombstone per deletion of today that erased something, and no later delete takes one', async () => {
    const today = day(0).date
    const first = await t.wiro('LogsDelete', { useragentguid: guid, date: 'today' })
    expect(first.body).toEqual({
      result: true,
      errors: [],
      date: today,
      removed: { plain: false, gz: false },
    })
    await t.ingest([eventOn(0, 'again')])
    await t.wiro('LogsDelete', { useragentguid: guid, date: today })
    await t.wiro('LogsDelete', { useragentguid: guid, date: today })
    const records = await audits()
    expect(
      records.map((e: { agent: string | null; metadata: { selector: object; count: number } }) => [
        e.agent,
        e.metadata,
      ]),
    ).toEqual([
      [
        null,
        expect.objectContaining({
          selector: expect.objectContaining({ day: today, agent: 'blog-bot' }),
          count: 1,
        }),
      ],
      [
        null,
        expect.objectContaining({
          selector: expect.objectContaining({ day: today, agent: 'blog-bot' }),
          count: 1,
        }),
      ],
    ])
    expect((await t.wiro('Logs', { useragentguid: guid })).body).toMatchObject({
      totalLines: 0,
      events: [],
    })
    expect(await logsFile(today)).toEqual(notFound)
  })

  it('a server that does not lead writes nothing and removes only the files the store does not back', async () => {
    await archive()
    await writeFile(
      join(dir, `${day(2).date}.jsonl`),
      `${JSON.stringify({ ...SHAPE_EXAMPLE, title: 'orphan' })}\n`,
    )
    const follower = { ...t.store, tryLead: async () => false }
    await t.ingest([eventOn(1, 'late')])
    // A server that does not lead removes what the store does not back (day 2), and writes nothing.
    expect(await archive(NOW + 5 * DAY_MS, follower)).toEqual({
      leading: false,
      written: 0,
      rewritten: 0,
      compressed: 0,
      deleted: 1,
    })
    expect(await files()).toEqual([
      `${day(8).date}.jsonl.gz`,
      `${day(3).date}.jsonl`,
      `${day(1).date}.jsonl`,
    ])
    expect(titles(await logsFile(day(1).date))).toEqual(['late', 'yesterday'])
  })
})
