import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DIALECTS } from '../helpers/test-app.js'
import { createWiroApp } from './wiro-helpers.js'
import type { WiroApp } from './wiro-helpers.js'

const NUL = '\u0000'
const deep = (levels: number) => '['.repeat(levels) + ']'.repeat(levels)

/**
 * Inputs that once reached a 500 or an "internal error" (issue 11, A4): impossible dates, times
 * beyond what a Date can hold, NUL characters (which PostgreSQL refuses in text and jsonb) and
 * values nested deeper than a serializer's stack. Each is a 4xx in its surface's own error shape,
 * on both stores.
 */
describe.each(DIALECTS)('hostile input answers 4xx, never 500 (%s)', (dialect) => {
  let t: WiroApp
  let guid: string
  beforeEach(async () => {
    t = await createWiroApp(dialect)
    guid = await t.ingest([{ kind: 'tool', title: 'search' }], 'bot')
  })
  afterEach(() => t.close())
  const get = (path: string) => t.json('GET', path, { key: t.adminKey })
  const post = (path: string, raw: string, headers: Record<string, string> = {}) =>
    t.json('POST', path, { key: t.adminKey, raw, headers })

  it('answers Wiro’s documented date error for days that are not on the calendar', async () => {
    for (const date of ['2026-13-45', '0000-00-00', '2026-00-10', '2026-12-32', '2026-02-29'])
      for (const path of ['Logs', 'LogsFile', 'LogsDelete'])
        expect((await t.wiro(path, { useragentguid: 'x', date })).body, `${path} ${date}`).toEqual({
          result: false,
          errors: [{ code: 0, message: 'date must be a day as YYYY-MM-DD, or "today"' }],
        })
    expect((await t.wiro('LogsDelete', { useragentguid: guid, date: '2026-13-45' })).body).toEqual({
      result: false,
      errors: [{ code: 0, message: 'date must be a day as YYYY-MM-DD, or "today"' }],
    })
  })

  it('refuses impossible times and epoch milliseconds beyond the year 9999 with a 400 naming the parameter', async () => {
    for (const [path, field] of [
      ['/api/v1/stats?from=8640000000000001', 'from'],
      ['/api/v1/stats?to=8640000000000001', 'to'],
      ['/api/v1/stats?from=253402300800000', 'from'],
      ['/api/v1/events?from=2026-02-30', 'from'],
      ['/api/v1/events?to=2026-01-01T24:00:00Z', 'to'],
      ['/api/v1/events?from=2026-01-01T10:00:00%2B24:00', 'from'],
      ['/api/v1/events?from=99999999999999999999', 'from'],
      ['/api/v1/conversations?from=2026-02-30', 'from'],
      ['/api/v1/conversations?to=2026-04-31T00:00:00Z', 'to'],
    ] as const) {
      const res = await get(path)
      expect(res.status, path).toBe(400)
      expect(res.body, path).toMatchObject({ code: 'invalid_query', details: [{ path: field }] })
    }
    // Logwick's and AgentLedger's own shapes.
    const logwick = await get('/api/v1/logs?from=2026-02-30')
    expect(logwick.status).toBe(400)
    expect(JSON.stringify(logwick.body)).toContain('from')
    for (const path of [
      '/api/v1/actions?from=2026-02-30',
      '/api/v1/export?from=2026-02-30T00:00:00Z&to=2026-03-01T00:00:00Z',
    ])
      expect(await get(path), path).toMatchObject({
        status: 400,
        body: { error: 'Invalid "from" date. Must be ISO 8601 format.' },
      })
    // A time at the edge is still a time.
    expect((await get('/api/v1/events?from=253402300799999')).status).toBe(200)
    expect((await get('/api/v1/stats?from=2026-01-01&to=2026-01-02')).status).toBe(200)
  })

  it('refuses an event whose time is not on the calendar or the clock', async () => {
    for (const ts of ['2026-02-30T00:00:00Z', '2026-01-01T24:00:00Z', '2026-01-01T10:00:60Z']) {
      const res = await post('/api/v1/events', JSON.stringify({ agent: 'bot', ts }))
      expect(res.status, ts).toBe(400)
      expect(res.body, ts).toMatchObject({ code: 'validation_failed', details: [{ path: 'ts' }] })
    }
  })

  it('refuses NUL characters in bodies and URLs on every surface, and keeps the six characters \\u0000 as text', async () => {
    const bodies: Array<[string, unknown]> = [
      ['/api/v1/events', { agent: `a${NUL}b` }],
      ['/api/v1/events', { agent: 'bot', input: { messages: [{ content: `x${NUL}` }] } }],
      ['/api/v1/events/batch', { events: [{ agent: 'bot', title: NUL }] }],
      ['/api/v1/agents', { name: `bot${NUL}` }],
      ['/api/v1/keys/create', { name: NUL }],
      ['/api/v1/keys/revoke', { keyId: NUL }],
      ['/api/v1/alerts/acknowledge', { id: NUL }],
      ['/api/v1/check', { agent: 'bot', environment: `p${NUL}` }],
      ['/api/v1/logs', { agent: 'bot', action: `a${NUL}` }],
    ]
    for (const [path, body] of bodies) {
      const res = await post(path, JSON.stringify(body))
      expect(res.status, path).toBe(400)
      expect(res.body, path).toMatchObject({ code: 'invalid_json' })
    }
    // AgentLedger's, AgentWarden's and Wiro's own shapes.
    expect(
      await post('/api/v1/actions', JSON.stringify({ agent: NUL, service: 's', action: 'a' })),
    ).toMatchObject({ status: 400, body: { error: expect.stringContaining('NUL') } })
    const warden = await t.json('POST', '/sdk/log', {
      headers: { 'x-api-key': t.adminKey },
      raw: JSON.stringify({ agent_id: NUL, action: 'a', status: 'success' }),
    })
    expect(warden.status).toBe(400)
    expect(warden.body).toHaveProperty('detail')
    expect(
      (await t.wiro('LogsIngest', { agent: 'bot', events: [{ kind: 'tool', title: NUL }] })).body,
    ).toMatchObject({ result: false, errors: [{ message: expect.stringContaining('NUL') }] })
    for (const path of [
      '/api/v1/events/%00',
      '/api/v1/agents/%00',
      '/api/v1/events?agent=%00',
      '/api/v1/approvals?agent=a%00',
      '/api/v1/traces/%00',
    ])
      expect(await get(path), path).toMatchObject({ status: 400, body: { code: 'invalid_query' } })
    expect(await t.json('POST', '/api/v1/agents/%00/kill', { key: t.adminKey })).toMatchObject({
      status: 400,
    })
    // A backslash followed by u0000 is text, not a NUL.
    const literal = await post(
      '/api/v1/events',
      JSON.stringify({ agent: 'bot', title: '\\u0000', input: { path: 'C:\\u0000' } }),
    )
    expect(literal.status).toBe(201)
    const stored = await get(`/api/v1/events/${literal.body.id}`)
    expect(stored.body).toMatchObject({ title: '\\u0000', input: { path: 'C:\\u0000' } })
  })

  it('refuses values nested too deeply where they are read before redaction, in each surface’s shape', async () => {
    const tooDeep = deep(5000)
    const check = await post('/api/v1/check', `{"agent":"bot","input":${tooDeep}}`)
    expect(check).toMatchObject({
      status: 400,
      body: { code: 'validation_failed', details: [{ path: 'input' }] },
    })
    const warden = await t.json('POST', '/sdk/check', {
      headers: { 'x-api-key': t.adminKey },
      raw: `{"agent_id":"bot","action":"a.b","context":{"x":${tooDeep}}}`,
    })
    expect(warden.status).toBe(400)
    expect(warden.body).toHaveProperty('detail')
    for (const field of ['input', 'output', 'metadata']) {
      const value = field === 'metadata' ? `{"x":${tooDeep}}` : tooDeep
      const res = await post(
        '/api/v1/actions',
        `{"agent":"bot","service":"s","action":"a","${field}":${value}}`,
      )
      expect(res.status, field).toBe(400)
      expect(res.body.error, field).toContain(`${field} must not be nested more than 1000 levels`)
    }
    const batch = await post(
      '/api/v1/actions/batch',
      `{"actions":[{"agent":"bot","service":"s","action":"a","output":${tooDeep}}]}`,
    )
    expect(batch.status).toBe(400)
    // Where redaction comes first, a deep value is stored cut at 64 levels, as before.
    expect((await post('/api/v1/events', `{"agent":"bot","input":${tooDeep}}`)).status).toBe(201)
    // A thousand levels are still taken.
    expect(
      (await post('/api/v1/check', `{"agent":"bot","input":${deep(1000)}}`)).body,
    ).toMatchObject({
      allowed: true,
    })
  })
})
