import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DIALECTS } from '../helpers/test-app.js'
import {
  CURL_LOGS,
  CURL_LOGS_DELETE,
  CURL_LOGS_FILE,
  CURL_LOGS_LIST,
  DOC_GUID,
  LOGS_FILE_EVENTS,
  LOGS_RESPONSE_EVENTS,
  MAY_FIRST_EVENT,
  SHAPE_EXAMPLE,
  TOKEN_USAGE_EXAMPLE,
} from './wiro-fixtures.js'
import { DAY_MS, createWiroApp, dayOf, withGuid } from './wiro-helpers.js'
import type { WiroApp } from './wiro-helpers.js'

const ok = { result: true, errors: [] }
const failure = (code: number, message: string) => ({ result: false, errors: [{ code, message }] })

describe.each(DIALECTS)('Wiro activity feed: the documented examples (%s)', (dialect) => {
  let t: WiroApp
  let guid: string
  beforeEach(async () => {
    t = await createWiroApp(dialect)
    // Oldest first, as the plugin appends them.
    guid = await t.ingest([
      MAY_FIRST_EVENT,
      ...[...LOGS_FILE_EVENTS].reverse(),
      ...[...LOGS_RESPONSE_EVENTS].reverse(),
    ])
  })
  afterEach(() => t.close())

  it('ingests ActivityEvents and names the agent by a guid that the native agent list shows too', async () => {
    const res = await t.wiro('LogsIngest', {
      agent: 'blog-bot',
      events: [SHAPE_EXAMPLE, TOKEN_USAGE_EXAMPLE],
    })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ ...ok, useragentguid: guid, accepted: 2 })
    expect(res.body.ids).toHaveLength(2)
    const again = await t.wiro('LogsIngest', { useragentguid: guid, events: [SHAPE_EXAMPLE] })
    expect(again.body).toMatchObject({ ...ok, useragentguid: guid, accepted: 1 })
    const agents = await t.json('GET', '/api/v1/agents', { key: t.adminKey })
    expect(agents.body.agents).toEqual([
      expect.objectContaining({ name: 'blog-bot', environment: 'production', guid }),
    ])
    const one = await t.json('GET', '/api/v1/agents/blog-bot', { key: t.adminKey })
    expect(one.body.environments[0].guid).toBe(guid)
  })

  it('answers the Logs curl example with today’s events, newest first', async () => {
    const today = Math.floor(Date.now() / DAY_MS) * DAY_MS
    const todays = [SHAPE_EXAMPLE, TOKEN_USAGE_EXAMPLE].map((e, i) => ({
      ...e,
      ts: new Date(today + (i + 1) * 1000).toISOString(),
    }))
    await t.ingest(todays)
    const res = await t.wiro('Logs', withGuid(CURL_LOGS, DOC_GUID, guid))
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      ...ok,
      date: dayOf(today),
      totalLines: 2,
      events: [...todays].reverse(),
    })
    expect(Object.keys(res.body)).toEqual(['result', 'errors', 'date', 'totalLines', 'events'])
    // The JavaScript polling example posts the same fields, and "today" may be said explicitly.
    const explicit = await t.wiro('Logs', { useragentguid: guid, date: 'today', lines: 200 })
    expect(explicit.body).toEqual(res.body)
  })

  it('returns a given day’s events exactly as documented, with every event of the day counted', async () => {
    const res = await t.wiro('Logs', { useragentguid: guid, date: '2026-05-03', lines: 200 })
    expect(res.body).toEqual({
      ...ok,
      date: '2026-05-03',
      totalLines: 4,
      events: LOGS_RESPONSE_EVENTS,
    })
    const two = await t.wiro('Logs', { useragentguid: guid, date: '2026-05-03', lines: 2 })
    expect(two.body).toEqual({
      ...ok,
      date: '2026-05-03',
      totalLines: 4,
      events: LOGS_RESPONSE_EVENTS.slice(0, 2),
    })
    const many = await t.wiro('Logs', { useragentguid: guid, date: '2026-05-03', lines: 100_000 })
    expect(many.body.events).toHaveLength(4)
    const quiet = await t.wiro('Logs', { useragentguid: guid, date: '2026-04-01' })
    expect(quiet.body).toEqual({ ...ok, date: '2026-04-01', totalLines: 0, events: [] })
  })

  it('answers the LogsList curl example with every day that has activity, newest first', async () => {
    const res = await t.wiro('LogsList', withGuid(CURL_LOGS_LIST, DOC_GUID, guid))
    expect(res.status).toBe(200)
    expect(res.body.result).toBe(true)
    expect(res.body.errors).toEqual([])
    expect(res.body.dates.map((d: { date: string }) => d.date)).toEqual([
      '2026-05-03',
      '2026-05-02',
      '2026-05-01',
    ])
    const file = await t.wiro('LogsFile', { useragentguid: guid, date: '2026-05-02' })
    // Not archived yet: the size of the day's JSONL rendering (events oldest first, one per line).
    const bytes = Buffer.byteLength(
      [...file.body.events]
        .reverse()
        .map((e: object) => `${JSON.stringify(e)}\n`)
        .join(''),
    )
    expect(res.body.dates[1]).toEqual({ date: '2026-05-02', sizeBytes: bytes, compressed: false })
  })

  it('answers the LogsFile curl example (and its Python twin) with the documented events', async () => {
    const res = await t.wiro('LogsFile', withGuid(CURL_LOGS_FILE, DOC_GUID, guid))
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      ...ok,
      date: '2026-05-02',
      truncated: false,
      events: LOGS_FILE_EVENTS,
    })
    expect(Object.keys(res.body)).toEqual(['result', 'errors', 'date', 'truncated', 'events'])
    const cron = (
      await t.wiro('LogsFile', { useragentguid: guid, date: '2026-05-01' })
    ).body.events.filter((e: { kind: string }) => e.kind === 'cron_finished')
    expect(cron.map((e: { summary: { skill: string } }) => e.summary.skill)).toEqual([
      'cs-cron-blog-scanner',
    ])
  })

  it('answers the LogsDelete curl example, removes the day and appends a tombstone saying who erased how many', async () => {
    const res = await t.wiro('LogsDelete', withGuid(CURL_LOGS_DELETE, DOC_GUID, guid))
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ ...ok, date: '2026-05-02', removed: { plain: false, gz: false } })
    expect(Object.keys(res.body)).toEqual(['result', 'errors', 'date', 'removed'])
    expect((await t.wiro('LogsFile', { useragentguid: guid, date: '2026-05-02' })).body).toEqual(
      failure(1, 'Failed to fetch activity file from worker'),
    )
    expect(
      (await t.wiro('Logs', { useragentguid: guid, date: '2026-05-03' })).body.totalLines,
    ).toBe(4)
    // Idempotent: deleting the gone day again is a success, and as it removes nothing it records nothing.
    const again = await t.wiro('LogsDelete', withGuid(CURL_LOGS_DELETE, DOC_GUID, guid))
    expect(again.body).toEqual({ ...ok, date: '2026-05-02', removed: { plain: false, gz: false } })

    const keys = await t.json('GET', '/api/v1/keys', { key: t.adminKey })
    const keyId = keys.body.keys[0].id
    const audit = await t.json('GET', '/api/v1/events?kind=audit', { key: t.adminKey })
    expect(audit.body.events).toHaveLength(1)
    expect(audit.body.events[0]).toMatchObject({
      kind: 'audit',
      action: 'log.erasure',
      agent: null,
      environment: 'production',
      user: keyId,
      title: 'Erased 2 events',
      metadata: {
        erased: expect.any(Array),
        count: 2,
        reason: 'LogsDelete',
        selector: {
          by: 'agent_day',
          agent: 'blog-bot',
          day: '2026-05-02',
          environment: 'production',
        },
        request_ref: null,
      },
    })
    // The record names no agent: it is not in the agent's feed nor among its events.
    const feed = await t.wiro('Logs', { useragentguid: guid })
    expect(feed.body.events.map((e: { kind: string }) => e.kind)).not.toContain('audit')
    const agent = await t.json('GET', '/api/v1/agents/blog-bot', { key: t.adminKey })
    expect(agent.body.environments[0].events).toBe(LOGS_RESPONSE_EVENTS.length + 1)
  })
})

describe.each(DIALECTS)('Wiro activity feed: documented errors (%s)', (dialect) => {
  let t: WiroApp
  let guid: string
  beforeEach(async () => {
    t = await createWiroApp(dialect)
    guid = await t.ingest([...LOGS_FILE_EVENTS])
  })
  afterEach(() => t.close())

  const ENDPOINTS = ['Logs', 'LogsList', 'LogsFile', 'LogsDelete'] as const

  it('answers 401 "Project authorization is not founded." without a key or with an unknown one', async () => {
    for (const path of [...ENDPOINTS, 'LogsIngest']) {
      const none = await t.json('POST', `/v1/UserAgent/${path}`, { raw: CURL_LOGS })
      expect(none.status).toBe(401)
      expect(none.body).toEqual(failure(0, 'Project authorization is not founded.'))
      const wrong = await t.wiro(path, CURL_LOGS, 'at_notakeynotakeynotakeynotakeynotakeynotake')
      expect(wrong.status).toBe(401)
      expect(wrong.body).toEqual(failure(0, 'Project authorization is not founded.'))
    }
  })

  it('answers "useragentguid is required" with HTTP 200 on every endpoint', async () => {
    for (const path of ENDPOINTS) {
      for (const body of [
        { date: '2026-05-02' },
        { useragentguid: '', date: '2026-05-02' },
        { useragentguid: 7 },
      ]) {
        const res = await t.wiro(path, body)
        expect(res.status).toBe(200)
        expect(res.body).toEqual(failure(0, 'useragentguid is required'))
      }
    }
  })

  it('answers "date is required" on LogsFile and LogsDelete, and refuses a date that is not a day', async () => {
    for (const path of ['LogsFile', 'LogsDelete'])
      expect((await t.wiro(path, { useragentguid: guid })).body).toEqual(
        failure(0, 'date is required'),
      )
    for (const date of ['2026-02-30', '02/05/2026', 20260502, 'yesterday'])
      for (const path of ENDPOINTS.filter((p) => p !== 'LogsList'))
        expect((await t.wiro(path, { useragentguid: guid, date })).body).toEqual(
          failure(0, 'date must be a day as YYYY-MM-DD, or "today"'),
        )
  })

  it('refuses bad lines in the Wiro shape', async () => {
    for (const lines of [0, -1, 2.5, 'many', true])
      expect((await t.wiro('Logs', { useragentguid: guid, lines })).body).toEqual(
        failure(0, 'lines must be a whole number from 1 to 5000'),
      )
    expect(
      (await t.wiro('Logs', { useragentguid: guid, date: '2026-05-02', lines: '1' })).body.events,
    ).toHaveLength(1)
  })

  it('answers useragent-access-denied to another org’s key and for a guid of no agent, revealing nothing', async () => {
    const other = await t.key('org-b', ['admin'])
    await t.ingest([LOGS_FILE_EVENTS[0] as object], 'blog-bot', other)
    for (const path of ENDPOINTS) {
      for (const [key, id] of [
        [other, guid],
        [t.adminKey, DOC_GUID],
      ] as const) {
        const res = await t.wiro(path, { useragentguid: id, date: '2026-05-02' }, key)
        expect(res.status).toBe(200)
        expect(res.body).toEqual(failure(1, 'useragent-access-denied'))
      }
    }
    expect(
      (await t.wiro('LogsIngest', { useragentguid: guid, events: [SHAPE_EXAMPLE] }, other)).body,
    ).toEqual(failure(1, 'useragent-access-denied'))
    // Nothing of org-a was deleted or written by org-b.
    expect(
      (await t.wiro('LogsFile', { useragentguid: guid, date: '2026-05-02' })).body.events,
    ).toEqual(LOGS_FILE_EVENTS)
  })

  it('answers useragent-access-denied to a key without the scope (reading needs read, deleting needs admin)', async () => {
    const reader = await t.key('org-a', ['read'])
    const writer = await t.key('org-a', ['ingest'])
    expect(
      (await t.wiro('LogsFile', { useragentguid: guid, date: '2026-05-02' }, reader)).body.result,
    ).toBe(true)
    expect(
      (await t.wiro('LogsDelete', { useragentguid: guid, date: '2026-05-02' }, reader)).body,
    ).toEqual(failure(1, 'useragent-access-denied'))
    expect((await t.wiro('Logs', { useragentguid: guid }, writer)).body).toEqual(
      failure(1, 'useragent-access-denied'),
    )
    expect(
      (await t.wiro('LogsIngest', { useragentguid: guid, events: [SHAPE_EXAMPLE] }, reader)).body,
    ).toEqual(failure(1, 'useragent-access-denied'))
  })

  it('answers "Failed to fetch activity file from worker" for a day with neither events nor archive', async () => {
    expect((await t.wiro('LogsFile', { useragentguid: guid, date: '2026-05-09' })).body).toEqual(
      failure(1, 'Failed to fetch activity file from worker'),
    )
  })

  it('answers a body that is not a JSON object in the Wiro shape', async () => {
    for (const raw of ['{"useragentguid": ', '[1, 2]', '"text"']) {
      const res = await t.wiro('Logs', raw)
      expect(res.status).toBe(200)
      expect(res.body.result).toBe(false)
      expect(res.body.errors).toEqual([{ code: 0, message: expect.any(String) }])
    }
  })

  it('refuses ActivityEvents over the org’s plan in the Wiro shape, yet still appends a deletion’s tombstone', async () => {
    await t.setPlan({ logs_per_month: 2 })
    const now = { ...SHAPE_EXAMPLE, ts: new Date().toISOString() }
    const refused = await t.wiro('LogsIngest', { useragentguid: guid, events: [now, now, now] })
    expect(refused.status).toBe(200)
    expect(refused.body).toEqual({
      result: false,
      errors: [{ code: 0, message: expect.stringContaining('Monthly log limit') }],
    })
    const deleted = await t.wiro('LogsDelete', { useragentguid: guid, date: '2026-05-02' })
    expect(deleted.body).toEqual({
      ...ok,
      date: '2026-05-02',
      removed: { plain: false, gz: false },
    })
    const audit = await t.json('GET', '/api/v1/events?kind=audit', { key: t.adminKey })
    expect(audit.body.events.map((e: { metadata: { count: number } }) => e.metadata.count)).toEqual(
      [2],
    )
  })

  it('names each invalid ActivityEvent by index and commits the valid ones', async () => {
    const res = await t.wiro('LogsIngest', {
      useragentguid: guid,
      events: [
        SHAPE_EXAMPLE,
        { title: 'no kind' },
        { ...SHAPE_EXAMPLE, ts: '2099-01-01T00:00:00Z' },
        { kind: 'agent_reply', title: 'x', ok: 'yes' },
      ],
    })
    expect(res.body.result).toBe(false)
    expect(res.body.accepted).toBe(1)
    expect(res.body.errors).toEqual([
      { code: 0, message: 'events.1.kind: kind is required' },
      { code: 0, message: expect.stringMatching(/^events\.3\.ok: /) },
      {
        code: 0,
        message: 'events.2.ts: ts lies more than 24 hours in the future; check the client clock',
      },
    ])
    expect((await t.wiro('LogsIngest', { useragentguid: guid })).body).toEqual(
      failure(0, 'events is required: an array of 1 to 1000 ActivityEvents'),
    )
    expect((await t.wiro('LogsIngest', { events: [SHAPE_EXAMPLE] })).body).toEqual(
      failure(0, 'useragentguid is required (or agent, for an agent that has no events yet)'),
    )
    const many = Array.from({ length: 1001 }, () => SHAPE_EXAMPLE)
    expect((await t.wiro('LogsIngest', { useragentguid: guid, events: many })).body).toEqual(
      failure(0, 'events may hold at most 1000 ActivityEvents'),
    )
  })
})
