import { mkdir, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runArchive, runRetention } from '@agenttrail/server'
import type { Store } from '@agenttrail/server'
import { newEvent } from '../helpers/events.js'
import { DIALECTS } from '../helpers/test-app.js'
import { SHAPE_EXAMPLE } from './wiro-fixtures.js'
import { DAY_MS, createWiroApp, dayOf } from './wiro-helpers.js'
import type { WiroApp } from './wiro-helpers.js'

const TODAY = Math.floor(Date.now() / DAY_MS) * DAY_MS
/** The jobs' clock: noon today. */
const NOW = TODAY + DAY_MS / 2
const FREE_OF_LIMITS = { name: 'custom', logs_per_month: null, requests_per_minute: null }

describe.each(DIALECTS)('plan retention (%s)', (dialect) => {
  let t: WiroApp
  let ingest: string
  beforeEach(async () => {
    t = await createWiroApp(dialect)
    ingest = await t.key('org-a', ['ingest'])
  })
  afterEach(() => t.close())

  const retention = (store: Store = t.store, now = NOW) =>
    runRetention({ store, dataDir: t.dataDir, now: () => now })
  const native = (body: object, key = ingest) => t.json('POST', '/api/v1/events', { key, body })
  const events = async (key = t.adminKey) =>
    (await t.json('GET', '/api/v1/events?limit=100', { key })).body.events
  /** The store with `events.erase` watched (and optionally failing on the n-th call). */
  const watched = (failOn?: number) => {
    const ranges: Array<{ from: number; to: number }> = []
    const store: Store = {
      ...t.store,
      events: {
        ...t.store.events,
        erase: async (orgId, range, record) => {
          ranges.push({ from: range.from, to: range.to })
          if (ranges.length === failOn) throw new Error('the database went away')
          return t.store.events.erase(orgId, range, record)
        },
      },
    }
    return { store, ranges }
  }
  type Tombstone = { kind: string; action: string; metadata: { erased: number[][] } }
  const tombstones = async (): Promise<Tombstone[]> =>
    (await events()).filter((e: Tombstone) => e.action === 'log.erasure').reverse()

  it('erases events older than the retention, with what derives from them, each day with its tombstone', async () => {
    await t.setPlan({ ...FREE_OF_LIMITS, retention_days: 7 })
    const old = [NOW - 30 * DAY_MS, NOW - 8 * DAY_MS, NOW - 7 * DAY_MS - 60_000]
    const recent = [NOW - 7 * DAY_MS + 60_000, NOW - DAY_MS]
    for (const ts of [...old, ...recent])
      expect((await native({ agent: 'bot', ts, title: 'kept words' })).status).toBe(201)
    const otherKey = await t.key('org-b', ['ingest', 'read'])
    await native({ ts: NOW - 30 * DAY_MS }, otherKey)

    const before = new Date(NOW - 7 * DAY_MS).toISOString()
    expect(await retention()).toEqual([
      { orgId: 'org-a', deleted: 3, tombstones: 3, filesRemoved: 0, before },
    ])
    const left = await events()
    expect(
      left
        .filter((e: { kind: string }) => e.kind !== 'audit')
        .map((e: { ts: string }) => Date.parse(e.ts)),
    ).toEqual([...recent].reverse())
    // The old events were seqs 1 to 3, on three UTC days: one erasure (and tombstone) per day.
    const marks = await tombstones()
    expect(marks.map((m) => m.metadata)).toEqual(
      [1, 2, 3].map((seq) => ({
        erased: [[seq, seq]],
        count: 1,
        reason: 'retention: events older than 7 days',
        selector: { by: 'retention', before, retention_days: 7 },
        request_ref: null,
      })),
    )
    expect(marks[0]).toMatchObject({
      kind: 'audit',
      agent: null,
      user: 'system',
      status: 'success',
    })
    const agents = (await t.json('GET', '/api/v1/agents', { key: t.adminKey })).body.agents
    expect(agents.find((a: { name: string }) => a.name === 'bot').events).toBe(2)
    expect(
      (await t.json('GET', '/api/v1/events?q=kept', { key: t.adminKey })).body.events,
    ).toHaveLength(2)
    // Nothing more to erase: no further tombstone; the org without retention kept its old event.
    expect(await retention()).toEqual([])
    expect(await events()).toHaveLength(5)
    expect(await events(otherKey)).toHaveLength(1)
  })

  it('keeps audit events past the retention: they are the record of what was done to the trail', async () => {
    await t.setPlan({ ...FREE_OF_LIMITS, retention_days: 7 })
    await t.store.events.append([
      {
        orgId: 'org-a',
        event: newEvent({ kind: 'audit', action: 'policy.created', ts: NOW - 30 * DAY_MS }),
        system: true,
      },
    ])
    await native({ agent: 'bot', ts: NOW - 30 * DAY_MS })
    expect(await retention()).toMatchObject([{ deleted: 1, tombstones: 1 }])
    expect((await events()).map((e: { action: string }) => e.action).sort()).toEqual([
      'log.erasure',
      'policy.created',
    ])
    // The old audit event is no reason to try again: the next pass has nothing to do.
    expect(await retention()).toEqual([])
  })

  it('deletes a backlog one UTC day per transaction, oldest first', async () => {
    await t.setPlan({ ...FREE_OF_LIMITS, retention_days: 7 })
    const cutoff = NOW - 7 * DAY_MS
    const stamps = [
      NOW - 400 * DAY_MS,
      NOW - 30 * DAY_MS,
      NOW - 30 * DAY_MS + 3_600_000,
      NOW - 9 * DAY_MS,
      cutoff - 1,
      cutoff,
    ]
    await t.json('POST', '/api/v1/events/batch', {
      key: ingest,
      body: { events: stamps.map((ts) => ({ agent: 'bot', ts })) },
    })
    const { store, ranges } = watched()
    expect(await retention(store)).toMatchObject([{ deleted: 5 }])
    const days = [
      ...new Set(stamps.filter((ts) => ts < cutoff).map((ts) => Math.floor(ts / DAY_MS))),
    ]
    expect(ranges.map((r) => Math.floor(r.from / DAY_MS))).toEqual(days)
    for (const r of ranges)
      expect(Math.floor((r.to - 1) / DAY_MS)).toBe(Math.floor(r.from / DAY_MS))
    expect(Math.max(...ranges.map((r) => r.to))).toBe(cutoff)
    expect((await events()).filter((e: { kind: string }) => e.kind !== 'audit')).toHaveLength(1)
  })

  it('keeps the tombstone of each day erased before a pass failed, and nothing unexplained', async () => {
    await t.setPlan({ ...FREE_OF_LIMITS, retention_days: 7 })
    const stamps = [NOW - 30 * DAY_MS, NOW - 30 * DAY_MS + 1, NOW - 20 * DAY_MS]
    for (const ts of stamps) await native({ agent: 'bot', ts })
    await expect(retention(watched(2).store)).rejects.toThrow()
    expect((await tombstones()).map((m) => m.metadata.erased)).toEqual([[[1, 2]]])
    expect(await retention()).toMatchObject([{ deleted: 1, tombstones: 1 }])
    expect((await tombstones()).map((m) => m.metadata.erased)).toEqual([[[1, 2]], [[3, 3]]])
  })

  it('runs only where the store says this process leads', async () => {
    await t.setPlan({ ...FREE_OF_LIMITS, retention_days: 7 })
    await native({ agent: 'bot', ts: NOW - 30 * DAY_MS })
    expect(await retention({ ...t.store, tryLead: async () => false })).toEqual([])
    expect(await events()).toHaveLength(1)
  })

  it('removes the archive files of days the plan no longer keeps, and the archive pass writes none', async () => {
    const at = (daysAgo: number, hour: number, title: string) => ({
      ...SHAPE_EXAMPLE,
      ts: new Date(TODAY - daysAgo * DAY_MS + hour * 3_600_000).toISOString(),
      title,
    })
    const guid = await t.ingest([
      at(8, 10, 'week ago'),
      at(3, 10, 'morning'),
      at(3, 20, 'evening'),
      at(1, 10, 'yesterday'),
    ])
    const dir = join(t.dataDir, 'archives', 'org-a', guid)
    const files = async () => (await readdir(dir)).sort()
    const archive = (store: Store = t.store) =>
      runArchive({ store, dataDir: t.dataDir, retentionDays: 180, now: () => NOW })
    await archive()
    expect(await files()).toEqual([
      `${dayOf(TODAY - 8 * DAY_MS)}.jsonl.gz`,
      `${dayOf(TODAY - 3 * DAY_MS)}.jsonl`,
      `${dayOf(TODAY - DAY_MS)}.jsonl`,
    ])
    // Another agent folder of the org, for a day the plan keeps no more.
    await mkdir(join(t.dataDir, 'archives', 'org-a', 'other-guid'), { recursive: true })
    await writeFile(
      join(t.dataDir, 'archives', 'org-a', 'other-guid', `${dayOf(TODAY - 5 * DAY_MS)}.jsonl`),
      '{}\n',
    )

    // Three days back from noon is noon on day 3: the morning goes, the evening stays.
    await t.setPlan({ ...FREE_OF_LIMITS, retention_days: 3 })
    // Every server, leader or not, removes from its own folder what the plan no longer keeps.
    const follower = { ...t.store, tryLead: async () => false }
    expect(await archive(follower)).toMatchObject({ leading: false, deleted: 3 })
    await archive() // nothing written for those days
    await writeFile(join(dir, `${dayOf(TODAY - 3 * DAY_MS)}.jsonl`), '{}\n{}\n{}\n')
    const before = new Date(NOW - 3 * DAY_MS).toISOString()
    expect(await retention()).toEqual([
      { orgId: 'org-a', deleted: 2, tombstones: 2, filesRemoved: 1, before },
    ])
    expect(await files()).toEqual([`${dayOf(TODAY - DAY_MS)}.jsonl`])
    expect(await archive()).toMatchObject({ written: 0, deleted: 0 })
    const day3 = (
      await t.wiro('LogsFile', { useragentguid: guid, date: dayOf(TODAY - 3 * DAY_MS) })
    ).body
    expect(day3.events.map((e: { title: string }) => e.title)).toEqual(['evening'])
    const listed = (await t.wiro('LogsList', { useragentguid: guid })).body.dates
    expect(listed).toContainEqual(
      expect.objectContaining({ date: dayOf(TODAY - 3 * DAY_MS), compressed: false }),
    )
    expect(listed.map((d: { date: string }) => d.date)).not.toContain(dayOf(TODAY - 8 * DAY_MS))
    // 'week ago' and 'morning' were seqs 1 and 2, on two days.
    const marks = await tombstones()
    expect(marks.map((m) => m.metadata.erased)).toEqual([[[1, 1]], [[2, 2]]])
    expect(marks.map((m) => (m as unknown as { title: string }).title)).toEqual([
      'Erased 1 event',
      'Erased 1 event',
    ])
  })
})
