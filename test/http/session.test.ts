import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startLiveServer } from '../helpers/live-server.js'
import type { LiveServer } from '../helpers/live-server.js'
import { sseReader } from '../helpers/sse.js'
import { DIALECTS, createTestApp } from '../helpers/test-app.js'
import type { TestApp } from '../helpers/test-app.js'

/** The dashboard's sign-in against the real server on 127.0.0.1: cookies as a browser sends them. */
describe.each(DIALECTS)('dashboard sessions (%s)', (dialect) => {
  let live: LiveServer
  let admin: string
  beforeAll(async () => {
    live = await startLiveServer(dialect)
    admin = await live.key('org-a', ['admin'])
  })
  afterAll(() => live.close())

  const call = (method: string, path: string, init: RequestInit = {}) =>
    fetch(`${live.url}${path}`, { method, ...init })
  const signIn = async (apiKey: string) => {
    const res = await call('POST', '/api/v1/session', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api_key: apiKey }),
    })
    expect(res.status).toBe(201)
    const setCookie = res.headers.getSetCookie()
    expect(setCookie).toHaveLength(1)
    const pair = setCookie[0]!.split(';')[0]!
    return { res, cookie: pair, setCookie: setCookie[0]!, body: (await res.json()) as any }
  }
  const withCookie = (cookie: string, headers: Record<string, string> = {}) => ({
    headers: { cookie, ...headers },
  })

  it('signs in with a key: an HttpOnly, SameSite=Strict cookie for 12 hours, and the session read back', async () => {
    const key = await live.key('org-a', ['read', 'control'])
    const before = Date.now()
    const { cookie, setCookie, body } = await signIn(key)
    expect(cookie).toMatch(/^agenttrail_session=ses_[A-Za-z0-9_-]{43}$/)
    const attributes = setCookie.split(';').map((a) => a.trim())
    expect(attributes).toEqual(
      expect.arrayContaining(['HttpOnly', 'SameSite=Strict', 'Path=/', 'Max-Age=43200']),
    )
    // Served over plain http with no https public URL: a Secure cookie would never come back.
    expect(attributes).not.toContain('Secure')
    // The key itself is in no part of the answer.
    expect(JSON.stringify(body)).not.toContain(key)
    expect(setCookie).not.toContain(key)
    expect(body).toMatchObject({
      org_id: 'org-a',
      key: { name: 'test', prefix: key.slice(0, 10), scopes: ['read', 'control'] },
      base_url: live.url,
    })
    const expires = Date.parse(body.expires_at)
    expect(expires).toBeGreaterThanOrEqual(before + 12 * 3_600_000)
    expect(expires).toBeLessThanOrEqual(Date.now() + 12 * 3_600_000)

    const read = await call('GET', '/api/v1/session', withCookie(cookie))
    expect(read.status).toBe(200)
    expect(await read.json()).toEqual(body)
  })

  it('refuses a bad key with 401, a malformed body with 400, and a key without read with 403', async () => {
    const post = (body: string) =>
      call('POST', '/api/v1/session', { headers: { 'content-type': 'application/json' }, body })
    const bad = await post(JSON.stringify({ api_key: 'at_not-a-key-at-all-0000000000' }))
    expect(bad.status).toBe(401)
    expect(await bad.json()).toMatchObject({ code: 'unauthorized' })
    expect(bad.headers.getSetCookie()).toEqual([])
    for (const body of ['{}', '{"api_key":5}', '{"api_key":""}', '{"api_key":"x","more":1}']) {
      const res = await post(body)
      expect(res.status, body).toBe(400)
      expect(await res.json()).toMatchObject({ code: 'validation_failed' })
    }
    const notJson = await post('api_key=x')
    expect(notJson.status).toBe(400)
    expect(await notJson.json()).toMatchObject({ code: 'invalid_json' })
    const ingestOnly = await post(JSON.stringify({ api_key: await live.key('org-a', ['ingest']) }))
    expect(ingestOnly.status).toBe(403)
    expect(await ingestOnly.json()).toMatchObject({
      code: 'forbidden',
      error: expect.stringContaining('"read" scope'),
    })
  })

  it("refuses a sign-in made by another site's page", async () => {
    const res = await call('POST', '/api/v1/session', {
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body: JSON.stringify({ api_key: admin }),
    })
    expect(res.status).toBe(403)
    expect(await res.json()).toMatchObject({ code: 'forbidden' })
    expect(res.headers.getSetCookie()).toEqual([])
  })

  it('answers 401 to GET /api/v1/session without a session, and clears a dead cookie', async () => {
    const none = await call('GET', '/api/v1/session')
    expect(none.status).toBe(401)
    expect(await none.json()).toMatchObject({ code: 'unauthorized' })
    const dead = await call('GET', '/api/v1/session', withCookie('agenttrail_session=ses_gone'))
    expect(dead.status).toBe(401)
    expect(dead.headers.getSetCookie()[0]).toMatch(/^agenttrail_session=; Max-Age=0;/)
  })

  it('authenticates reads by the cookie with no Origin, and acts as its key', async () => {
    const { cookie, body } = await signIn(await live.key('org-a', ['read']))
    const events = await call('GET', '/api/v1/events', withCookie(cookie))
    expect(events.status).toBe(200)
    const keys = await call('GET', '/api/v1/keys', withCookie(cookie))
    expect(keys.status).toBe(403)
    expect(await keys.json()).toMatchObject({ code: 'forbidden' })
    // A key header wins over the cookie.
    const asAdmin = await call(
      'GET',
      '/api/v1/keys',
      withCookie(cookie, { authorization: `Bearer ${admin}` }),
    )
    expect(asAdmin.status).toBe(200)
    expect(body.key.scopes).toEqual(['read'])
  })

  it('refuses a cookie-authenticated change without an Origin or from another origin, and makes it from its own', async () => {
    const { cookie } = await signIn(await live.key('org-a', ['read', 'control']))
    const kill = (headers: Record<string, string>) =>
      call('POST', '/api/v1/agents/csrf-bot/kill', withCookie(cookie, headers))
    const bare = await kill({})
    expect(bare.status).toBe(403)
    expect(await bare.json()).toMatchObject({
      code: 'forbidden',
      error: expect.stringContaining('Origin'),
    })
    for (const origin of ['https://evil.example', 'null', live.url.replace('http:', 'https:')]) {
      const res = await kill({ origin })
      expect(res.status, origin).toBe(403)
      expect(await res.json()).toMatchObject({
        code: 'forbidden',
        error: expect.stringContaining('not this server'),
      })
    }
    const status = await call('GET', '/api/v1/agents', {
      headers: { authorization: `Bearer ${admin}` },
    })
    expect(JSON.stringify(await status.json())).not.toContain('csrf-bot')
    const own = await kill({ origin: live.url })
    expect(own.status).toBe(200)
    expect(await own.json()).toMatchObject({ status: 'killed' })
  })

  it('lets a read-scoped session see agents but not kill one', async () => {
    const { cookie } = await signIn(await live.key('org-a', ['read']))
    const res = await call(
      'POST',
      '/api/v1/agents/bot/kill',
      withCookie(cookie, { origin: live.url }),
    )
    expect(res.status).toBe(403)
    expect(await res.json()).toMatchObject({
      code: 'forbidden',
      error: expect.stringContaining('"control"'),
    })
    expect((await call('GET', '/api/v1/agents', withCookie(cookie))).status).toBe(200)
  })

  it('signs out: the session ends on the server and the cookie is cleared', async () => {
    const { cookie } = await signIn(await live.key('org-a', ['read']))
    const foreign = await call(
      'DELETE',
      '/api/v1/session',
      withCookie(cookie, { origin: 'https://evil.example' }),
    )
    expect(foreign.status).toBe(403)
    const out = await call('DELETE', '/api/v1/session', withCookie(cookie, { origin: live.url }))
    expect(out.status).toBe(204)
    expect(out.headers.getSetCookie()[0]).toMatch(
      /^agenttrail_session=; Max-Age=0; Path=\/; HttpOnly; SameSite=Strict$/,
    )
    // The old cookie, replayed, opens nothing.
    expect((await call('GET', '/api/v1/session', withCookie(cookie))).status).toBe(401)
    const events = await call('GET', '/api/v1/events', withCookie(cookie))
    expect(events.status).toBe(401)
    expect(await events.json()).toMatchObject({ code: 'unauthorized' })
    // Signing out again, or with no session at all, is still a 204.
    expect((await call('DELETE', '/api/v1/session')).status).toBe(204)
  })

  it('ends the sessions of a revoked key', async () => {
    const key = await live.key('org-a', ['read'])
    const { cookie, body } = await signIn(key)
    expect((await call('GET', '/api/v1/events', withCookie(cookie))).status).toBe(200)
    const revoke = await call('POST', '/api/v1/keys/revoke', {
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: body.key.id }),
    })
    expect(revoke.status).toBe(200)
    expect((await call('GET', '/api/v1/events', withCookie(cookie))).status).toBe(401)
    expect((await call('GET', '/api/v1/session', withCookie(cookie))).status).toBe(401)
  })

  it('opens the live stream with the cookie and delivers new events on it', async () => {
    const { cookie } = await signIn(await live.key('org-a', ['read']))
    const res = await call('GET', '/api/v1/stream', withCookie(cookie))
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
    const sse = sseReader(res.body)
    expect(await sse.next()).toEqual({ retry: '3000' })
    const sent = await call('POST', '/api/v1/events', {
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ agent: 'bot', kind: 'action', service: 's', action: 'streamed' }),
    })
    expect(sent.status).toBe(201)
    const [frame] = await sse.take(1)
    expect(frame).toMatchObject({ event: 'action.new' })
    expect(JSON.parse(frame?.data ?? '')).toMatchObject({ action: 'streamed' })
    await sse.cancel()
    const dead = await call('GET', '/api/v1/stream', withCookie('agenttrail_session=ses_gone'))
    expect(dead.status).toBe(401)
  })
})

/** In memory, where every answer is checked against the routes' declared responses. */
describe('dashboard session routes answer only what they declare', () => {
  let t: TestApp
  afterAll(() => t.close())

  it('declares every status and body the session routes answer', async () => {
    t = await createTestApp()
    const origin = { origin: 'http://localhost' }
    expect((await t.json('POST', '/api/v1/session', { body: {} })).status).toBe(400)
    expect((await t.json('POST', '/api/v1/session', { body: { api_key: 'at_nope' } })).status).toBe(
      401,
    )
    const ingest = await t.key('org-a', ['ingest'])
    expect((await t.json('POST', '/api/v1/session', { body: { api_key: ingest } })).status).toBe(
      403,
    )
    const made = await t.json('POST', '/api/v1/session', {
      body: { api_key: t.adminKey },
      headers: origin,
    })
    expect(made.status).toBe(201)
    const cookie = made.headers.get('set-cookie')!.split(';')[0]!
    expect((await t.json('GET', '/api/v1/session', { headers: { cookie } })).status).toBe(200)
    expect(
      (
        await t.json('DELETE', '/api/v1/session', {
          headers: { cookie, origin: 'https://x.example' },
        })
      ).status,
    ).toBe(403)
    expect(
      (await t.json('DELETE', '/api/v1/session', { headers: { cookie, ...origin } })).status,
    ).toBe(204)
    expect((await t.json('GET', '/api/v1/session', { headers: { cookie } })).status).toBe(401)
  })
})

/** The limiter takes a session's requests from its key's bucket (the limiter is keyed by key id). */
describe('dashboard sessions and the rate limit', () => {
  let t: TestApp
  afterAll(() => t.close())

  it("applies the key's rate limit to requests authenticated by the cookie", async () => {
    t = await createTestApp({
      AGENTTRAIL_RATE_LIMIT_PER_SECOND: '1',
      AGENTTRAIL_RATE_LIMIT_BURST: '1000',
    })
    const made = await t.json('POST', '/api/v1/session', { body: { api_key: t.adminKey } })
    const cookie = made.headers.get('set-cookie')!.split(';')[0]!
    const byCookie = await t.json('GET', '/api/v1/events', { headers: { cookie } })
    expect(byCookie.status).toBe(200)
    expect(byCookie.headers.get('x-ratelimit-limit')).toBe('1000')
    expect(Number(byCookie.headers.get('x-ratelimit-remaining'))).toBeLessThan(1000)
  })
})

/** Behind a TLS proxy: the public URL, never a forwarded header, decides `Secure` and the origin. */
describe('dashboard sessions behind https', () => {
  let t: TestApp
  afterEach(() => t.close())

  it('marks the cookie Secure and accepts changes from the public https origin only when it is configured', async () => {
    t = await createTestApp({ AGENTTRAIL_PUBLIC_URL: 'https://trail.example.com/' })
    const key = await t.key('org-a', ['read', 'control'])
    const made = await t.json('POST', '/api/v1/session', {
      body: { api_key: key },
      headers: { origin: 'https://trail.example.com' },
    })
    expect(made.status).toBe(201)
    expect(made.body.base_url).toBe('https://trail.example.com')
    const setCookie = made.headers.get('set-cookie')!
    expect(setCookie.split('; ')).toContain('Secure')
    const cookie = setCookie.split(';')[0]!
    const kill = (origin: string) =>
      t.json('POST', '/api/v1/agents/edge-bot/kill', { headers: { cookie, origin } })
    expect((await kill('https://trail.example.com')).status).toBe(200)
    expect((await kill('http://trail.example.com')).status).toBe(403)
    const doc = (await t.json('GET', '/api/openapi.json')).body
    expect(Object.keys(doc.paths['/api/v1/session']).sort()).toEqual(['delete', 'get', 'post'])
  })

  it('trusts no X-Forwarded-Proto: without a public URL the cookie over http is not Secure', async () => {
    t = await createTestApp()
    const made = await t.json('POST', '/api/v1/session', {
      body: { api_key: t.adminKey },
      headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'trail.example.com' },
    })
    expect(made.status).toBe(201)
    expect(made.headers.get('set-cookie')!.split('; ')).not.toContain('Secure')
    expect(made.body.base_url).toBe('http://localhost')
  })
})
