import { afterEach, describe, expect, it } from 'vitest'
import {
  createApiKey,
  createLogger,
  createServices,
  enforcement,
  loadConfig,
  openSqliteStore,
} from '@agenttrail/server'
import { DIALECTS, createTestApp } from '../helpers/test-app.js'
import type { TestApp } from '../helpers/test-app.js'
import { sseReader } from '../helpers/sse.js'

describe.each(DIALECTS)('GET /api/v1/stream (%s)', (dialect) => {
  let t: TestApp
  afterEach(() => t.close())
  const open = async (overrides: Record<string, string> = {}) => {
    t = await createTestApp(overrides, dialect)
    return { read: await t.key('org-a', ['read']), control: await t.key('org-a', ['control']) }
  }
  const log = async (fields: Record<string, unknown> = {}) => {
    const res = await t.json('POST', '/api/v1/events', {
      key: t.adminKey,
      body: { agent: 'bot', kind: 'action', service: 'svc', action: 'act', ...fields },
    })
    expect(res.status).toBe(201)
    return res.body as { id: string; seq: number }
  }
  const stream = async (
    key: string | undefined,
    query = '',
    headers: Record<string, string> = {},
  ) => {
    const res = await t.request('GET', `/api/v1/stream${query}`, {
      ...(key !== undefined && { key }),
      headers,
    })
    expect(res.status).toBe(200)
    return { res, sse: sseReader(res.body) }
  }

  it('sends retry first, then each new action as action.new with its seq as id and the ActionLog row as data', async () => {
    const { read } = await open()
    await log({ action: 'before' })
    const { res, sse } = await stream(read)
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
    expect(res.headers.get('cache-control')).toBe('no-cache, no-transform')
    expect(res.headers.get('x-accel-buffering')).toBe('no')
    expect(await sse.next()).toEqual({ retry: '3000' })
    const sent = await log({ action: 'after', environment: 'staging', input: { q: 1 } })
    const [frame] = await sse.take(1)
    expect(frame).toMatchObject({ id: String(sent.seq), event: 'action.new' })
    expect(JSON.parse(frame?.data ?? '')).toMatchObject({
      id: sent.id,
      org_id: 'org-a',
      agent_name: 'bot',
      service: 'svc',
      action: 'after',
      status: 'success',
      environment: 'staging',
      input: { q: 1 },
    })
    await sse.cancel()
  })

  it('sends a kill as alert.new with the Alert row, and no action.new for audit records', async () => {
    const { read, control } = await open()
    const { sse } = await stream(read)
    const kill = await t.json('POST', '/api/v1/agents/rogue/kill', { key: control })
    expect(kill.status).toBe(200)
    await log({ action: 'after-kill' })
    const frames = await sse.take(2)
    expect(frames.map((f) => f.event)).toEqual(['alert.new', 'action.new'])
    expect(JSON.parse(frames[0]?.data ?? '')).toMatchObject({
      org_id: 'org-a',
      agent_id: null,
      agent_name: 'rogue',
      alert_type: 'agent_killed',
      severity: 'critical',
      acknowledged_at: null,
      environment: 'production',
    })
    expect(Number(frames[1]?.id)).toBeGreaterThan(Number(frames[0]?.id))
    await sse.cancel()
  })

  it('filters actions and alerts by agent and environment, and types by events', async () => {
    const { read, control } = await open()
    const onlyBot = await stream(read, '?agent=bot&environment=staging')
    const alerts = await stream(read, '?events=alert.new')
    const native = await stream(read, '?events=event.new&agent=bot')
    await log({ agent: 'other', environment: 'staging' })
    await log({ agent: 'bot', environment: 'production' })
    await t.json('POST', '/api/v1/agents/bot/kill?environment=production', { key: control })
    const wanted = await log({ agent: 'bot', environment: 'staging', action: 'wanted' })
    await t.json('POST', '/api/v1/agents/bot/kill?environment=staging', { key: control })

    const [action, stagingAlert] = await onlyBot.sse.take(2)
    expect(action).toMatchObject({ id: String(wanted.seq), event: 'action.new' })
    expect(JSON.parse(stagingAlert?.data ?? '')).toMatchObject({
      agent_name: 'bot',
      environment: 'staging',
    })
    expect((await alerts.sse.take(2)).map((f) => f.event)).toEqual(['alert.new', 'alert.new'])
    // event.new: the native event, audit records included, only the agent's.
    const natives = await native.sse.take(2)
    expect(natives.map((f) => f.event)).toEqual(['event.new', 'event.new'])
    expect(natives.map((f) => JSON.parse(f.data ?? '').agent)).toEqual(['bot', 'bot'])
    expect(natives[1]?.id).toBe(String(wanted.seq))
    for (const s of [onlyBot, alerts, native]) await s.sse.cancel()
  })

  it('replays exactly the events after Last-Event-ID (header or query), then goes on live', async () => {
    const { read } = await open()
    const first = await log({ action: 'one' })
    const missed = [await log({ action: 'two' }), await log({ action: 'three' })]
    const resumed = [
      await stream(read, '', { 'Last-Event-ID': String(first.seq) }),
      await stream(read, `?last_event_id=${first.seq}`),
    ]
    const live = await log({ action: 'four' })
    for (const { sse } of resumed) {
      const frames = await sse.take(3)
      expect(frames.map((f) => f.id)).toEqual([...missed, live].map((m) => String(m.seq)))
      await sse.cancel()
    }
  })

  it('reads a long replay in pages as the client takes it', async () => {
    const { read } = await open()
    for (const batch of [0, 1]) {
      const events = Array.from({ length: 600 }, (_, i) => ({
        agent: 'bot',
        action: `${batch}.${i}`,
      }))
      const res = await t.json('POST', '/api/v1/events/batch', {
        key: t.adminKey,
        body: { events },
      })
      expect(res.status).toBe(201)
    }
    const { sse } = await stream(read, '?last_event_id=0')
    const frames = await sse.take(1_200)
    expect(frames.map((f) => Number(f.id))).toEqual(frames.map((_, i) => i + 1))
    await sse.cancel()
  })

  it('disconnects a client that does not read, and it loses nothing when it resumes', async () => {
    const { read } = await open({ AGENTTRAIL_STREAM_QUEUE_BYTES: '2048' })
    const { sse } = await stream(read)
    const sent: number[] = []
    // One commit at a time until the stream gives the client up (a few kilobytes in).
    for (let i = 0; i < 500 && t.streams.size > 0; i++) {
      sent.push((await log({ action: `a${i}`, input: { pad: 'x'.repeat(500) } })).seq)
      await new Promise((resolve) => setImmediate(resolve))
    }
    expect(t.streams.size).toBe(0)
    const received = (await sse.rest()).map((f) => Number(f.id))
    expect(sse.state.broken).toBe(true)
    expect(received.length).toBeLessThan(sent.length)
    const last = received.at(-1) ?? 0
    const resumed = await stream(read, '', { 'Last-Event-ID': String(last) })
    const rest = await resumed.sse.take(sent.length - received.length)
    expect([...received, ...rest.map((f) => Number(f.id))]).toEqual(sent)
    await resumed.sse.cancel()
  })

  it('answers 429 too_many_streams with Retry-After past the per-key cap, and frees the place on close', async () => {
    const { read } = await open({ AGENTTRAIL_STREAM_MAX_PER_KEY: '2' })
    const a = await stream(read)
    const b = await stream(read)
    const refused = await t.json('GET', '/api/v1/stream', { key: read })
    expect(refused).toMatchObject({ status: 429, body: { code: 'too_many_streams' } })
    expect(refused.headers.get('retry-after')).toBe('5')
    // Another key of the org has its own places.
    const other = await stream(await t.key('org-a', ['read']))
    await a.sse.cancel()
    const c = await stream(read)
    for (const s of [b, c, other]) await s.sse.cancel()
  })

  it('sends heartbeats without an id', async () => {
    const { read } = await open({ AGENTTRAIL_STREAM_HEARTBEAT_MS: '20' })
    const { sse } = await stream(read)
    let frame = await sse.next()
    while (frame && frame.event !== 'heartbeat') frame = await sse.next()
    expect(frame?.id).toBeUndefined()
    expect(Number.isNaN(Date.parse(JSON.parse(frame?.data ?? '').ts))).toBe(false)
    await sse.cancel()
  })

  it('takes the key as ?key= and as a stream token from POST /api/v1/stream/token', async () => {
    const { read } = await open()
    const byQuery = await stream(undefined, `?key=${read}`)
    const minted = await t.json('POST', '/api/v1/stream/token', { key: read })
    expect(minted.status).toBe(201)
    expect(Date.parse(minted.body.expires_at) - Date.now()).toBeLessThanOrEqual(5 * 60_000)
    const byToken = await stream(undefined, `?token=${minted.body.token}`)
    const sent = await log()
    for (const s of [byQuery, byToken]) {
      expect((await s.sse.take(1))[0]?.id).toBe(String(sent.seq))
      await s.sse.cancel()
    }
  })

  it("refuses a missing key, a bad key or token, a revoked key's token and a key without read", async () => {
    const { read } = await open()
    const minted = await t.json('POST', '/api/v1/stream/token', { key: read })
    const ingestOnly = await t.key('org-a', ['ingest'])
    expect(await t.json('GET', '/api/v1/stream')).toMatchObject({
      status: 401,
      body: { code: 'unauthorized' },
    })
    expect((await t.json('GET', '/api/v1/stream?key=at_nope')).status).toBe(401)
    expect((await t.json('GET', '/api/v1/stream?token=st_nope')).status).toBe(401)
    expect((await t.json('GET', '/api/v1/stream', { key: ingestOnly })).status).toBe(403)
    const keys = await t.json('GET', '/api/v1/keys', { key: t.adminKey })
    const readId = (keys.body.keys as Array<{ id: string; scopes: string[] }>).find(
      (k) => k.scopes.length === 1 && k.scopes[0] === 'read',
    )?.id
    const revoked = await t.json('POST', '/api/v1/keys/revoke', {
      key: t.adminKey,
      body: { id: readId },
    })
    expect(revoked.status).toBe(200)
    expect((await t.json('GET', `/api/v1/stream?token=${minted.body.token}`)).status).toBe(401)
  })

  it('answers 400 with a code for a bad last_event_id, Last-Event-ID or events value', async () => {
    const { read } = await open()
    for (const [query, headers] of [
      ['?last_event_id=abc', {}],
      ['?last_event_id=-1', {}],
      ['?events=action.new,bogus', {}],
      ['', { 'Last-Event-ID': '12abc' }],
    ] as const) {
      const res = await t.json('GET', `/api/v1/stream${query}`, { key: read, headers })
      expect(res).toMatchObject({ status: 400, body: { code: 'invalid_query' } })
    }
    expect(t.streams.size).toBe(0)
  })
})

describe('the request log of a stream', () => {
  it('never holds the key or token sent in the URL', async () => {
    const lines: string[] = []
    const store = openSqliteStore({ path: ':memory:', enforce: enforcement })
    const config = loadConfig({ AGENTTRAIL_RATE_LIMIT_PER_SECOND: '0' })
    const { app } = createServices(
      config,
      store,
      createLogger('info', (l) => lines.push(l)),
    )
    const { key } = await createApiKey(store.keys, { orgId: 'org-a', name: 't', scopes: ['read'] })
    const minted = await app.hono.request('/api/v1/stream/token', {
      method: 'POST',
      headers: { authorization: `Bearer ${key}` },
    })
    const { token } = (await minted.json()) as { token: string }
    for (const query of [`key=${key}`, `token=${token}`]) {
      const res = await app.hono.request(`/api/v1/stream?${query}`)
      expect(res.status).toBe(200)
      await res.body?.cancel()
    }
    app.streams.close()
    await store.close()
    const logged = lines.join('')
    expect(logged).toContain('/api/v1/stream')
    expect(logged).not.toContain(key)
    expect(logged).not.toContain(token)
  })
})
