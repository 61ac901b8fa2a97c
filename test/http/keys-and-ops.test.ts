import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  enforcement,
  createLogger,
  createServices,
  loadConfig,
  openSqliteStore,
  createApiKey,
} from '@agenttrail/server'
import { DIALECTS, createTestApp } from '../helpers/test-app.js'
import type { TestApp } from '../helpers/test-app.js'

describe.each(DIALECTS)('keys over the API (%s)', (dialect) => {
  let t: TestApp
  beforeEach(async () => {
    t = await createTestApp({}, dialect)
  })
  afterEach(() => t.close())

  it('creates a key shown once, lists keys without secrets, rotates and revokes', async () => {
    const created = await t.json('POST', '/api/v1/keys/create', {
      key: t.adminKey,
      body: { name: 'ci', scopes: 'ingest,read', prefix: 'al_' },
    })
    expect(created.status).toBe(201)
    expect(created.body.key).toMatch(/^al_[A-Za-z0-9_-]{40}$/)
    expect(created.body).toMatchObject({
      name: 'ci',
      scopes: ['ingest', 'read'],
      key_prefix: created.body.key.slice(0, 10),
      org_id: 'org-a',
    })
    expect(
      (await t.json('POST', '/api/v1/events', { key: created.body.key, body: {} })).status,
    ).toBe(201)

    const listed = await t.json('GET', '/api/v1/keys', { key: t.adminKey })
    expect(JSON.stringify(listed.body)).not.toContain(created.body.key)
    expect(listed.body.keys.map((k: { name: string }) => k.name)).toEqual(['test', 'ci'])

    const rotated = await t.json('POST', '/api/v1/keys/rotate', {
      key: t.adminKey,
      body: { id: created.body.id },
    })
    expect(rotated.status).toBe(201)
    expect(rotated.body).toMatchObject({
      rotatedFrom: created.body.id,
      name: 'ci',
      scopes: ['ingest', 'read'],
    })
    expect(rotated.body.key).toMatch(/^al_/)
    expect(
      (await t.json('POST', '/api/v1/events', { key: created.body.key, body: {} })).status,
    ).toBe(401)
    expect(
      (await t.json('POST', '/api/v1/events', { key: rotated.body.key, body: {} })).status,
    ).toBe(201)

    const revoked = await t.json('POST', '/api/v1/keys/revoke', {
      key: t.adminKey,
      body: { id: rotated.body.id },
    })
    expect(revoked.body).toEqual({ id: rotated.body.id, revoked: true })
    expect(
      (await t.json('POST', '/api/v1/events', { key: rotated.body.key, body: {} })).status,
    ).toBe(401)
    expect(
      (
        await t.json('POST', '/api/v1/keys/revoke', {
          key: t.adminKey,
          body: { id: rotated.body.id },
        })
      ).status,
    ).toBe(404)
  })

  it('does not let a key revoke itself', async () => {
    const self = (await t.json('GET', '/api/v1/keys', { key: t.adminKey })).body.keys[0]
    const res = await t.json('POST', '/api/v1/keys/revoke', {
      key: t.adminKey,
      body: { id: self.id },
    })
    expect(res.status).toBe(409)
    expect(res.body.code).toBe('self_revocation')
  })

  it('keeps each org to its own keys', async () => {
    const other = await t.key('org-b', ['admin'])
    const mine = (await t.json('GET', '/api/v1/keys', { key: t.adminKey })).body.keys[0]
    expect(
      (await t.json('POST', '/api/v1/keys/revoke', { key: other, body: { id: mine.id } })).status,
    ).toBe(404)
    expect(
      (await t.json('POST', '/api/v1/keys/rotate', { key: other, body: { id: mine.id } })).status,
    ).toBe(404)
    expect((await t.json('GET', '/api/v1/keys', { key: other })).body.keys).toHaveLength(1)
  })

  it.each([
    [[], ''],
    [{ name: '' }, 'name'],
    [{ name: 'x', scopes: ['root'] }, 'scopes'],
    [{ name: 'x', scopes: 'read,root' }, 'scopes'],
    [{ name: 'x', prefix: 'zz_' }, 'prefix'],
    [{ name: 7 }, 'name'],
  ])('rejects key creation with %j', async (body, path) => {
    const res = await t.json('POST', '/api/v1/keys/create', { key: t.adminKey, body })
    expect(res.status).toBe(400)
    expect(res.body.details[0].path).toBe(path)
  })

  it('needs the admin scope for keys', async () => {
    const reader = await t.key('org-a', ['read', 'ingest', 'control', 'approve'])
    expect((await t.json('GET', '/api/v1/keys', { key: reader })).status).toBe(403)
    expect(
      (await t.json('POST', '/api/v1/keys/create', { key: reader, body: { name: 'x' } })).status,
    ).toBe(403)
    expect(
      (await t.json('POST', '/api/v1/keys/rotate', { key: t.adminKey, raw: '{' })).status,
    ).toBe(400)
  })
})

describe.each(DIALECTS)('operations (%s)', (dialect) => {
  it('rate-limits per key with 429, Retry-After and X-RateLimit headers', async () => {
    const t = await createTestApp(
      { AGENTTRAIL_RATE_LIMIT_PER_SECOND: '1', AGENTTRAIL_RATE_LIMIT_BURST: '3' },
      dialect,
    )
    try {
      const statuses = []
      let last
      for (let i = 0; i < 5; i++) {
        last = await t.json('GET', '/api/v1/events', { key: t.adminKey })
        statuses.push(last.status)
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429])
      expect(last?.headers.get('retry-after')).toBe('1')
      expect(last?.headers.get('x-ratelimit-limit')).toBe('3')
      expect(last?.headers.get('x-ratelimit-remaining')).toBe('0')
      expect(last?.body.code).toBe('rate_limited')
      const other = await t.key('org-a', ['read'])
      expect((await t.json('GET', '/api/v1/events', { key: other })).status).toBe(200)
    } finally {
      await t.close()
    }
  })

  it('serves /healthz, /readyz (503 once the store is gone) and JSON 404 and 405', async () => {
    const t = await createTestApp({}, dialect)
    expect((await t.json('GET', '/healthz')).body).toEqual({ status: 'ok' })
    expect((await t.json('GET', '/readyz')).body).toEqual({ status: 'ready', store: dialect })
    expect((await t.json('GET', '/api/v1/nope')).body.code).toBe('not_found')
    const wrong = await t.json('DELETE', '/api/v1/events')
    expect(wrong.status).toBe(405)
    expect(wrong.body.code).toBe('method_not_allowed')
    await t.close()
    const down = await t.json('GET', '/readyz')
    expect(down.status).toBe(503)
    expect(down.body.status).toBe('unavailable')
  })
})

// These build their own SQLite app to watch its log or break its store; nothing here depends on the dialect.
describe('operations', () => {
  it('answers a store failure with a 500 that holds no internals', async () => {
    const lines: string[] = []
    const store = openSqliteStore({ path: ':memory:', enforce: enforcement })
    const { app } = createServices(
      loadConfig({ AGENTTRAIL_RATE_LIMIT_PER_SECOND: '0' }),
      store,
      createLogger('info', (l) => lines.push(l)),
    )
    const admin = (await createApiKey(store.keys, { orgId: 'o', name: 'a' })).key
    const broken = {
      ...store.events,
      query: () => Promise.reject(new Error('SQLITE_CORRUPT: secret row contents')),
    }
    Object.assign(store, { events: broken })
    const res = await app.hono.request('/api/v1/events', {
      headers: { authorization: `Bearer ${admin}` },
    })
    expect(res.status).toBe(500)
    const body = (await res.json()) as { code: string }
    expect(body.code).toBe('internal')
    expect(JSON.stringify(body)).not.toContain('SQLITE')
    expect(lines.some((l) => l.includes('SQLITE_CORRUPT'))).toBe(true)
    await store.close()
  })

  it('logs one JSON line per request with no payloads and no keys', async () => {
    const lines: string[] = []
    const store = openSqliteStore({ path: ':memory:', enforce: enforcement })
    const { app, committer } = createServices(
      loadConfig({ AGENTTRAIL_RATE_LIMIT_PER_SECOND: '0' }),
      store,
      createLogger('info', (l) => lines.push(l)),
    )
    const admin = (await createApiKey(store.keys, { orgId: 'o', name: 'a' })).key
    await app.hono.request('/api/v1/events?q=topsecretword', {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}` },
      body: JSON.stringify({ input: 'confidential payload', title: 'also secret' }),
    })
    await app.hono.request(`/api/v1/events?key=${admin}&q=topsecretword`, {
      headers: { 'x-api-key': admin },
    })
    await committer.drain()
    const requests = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'request')
    expect(requests).toHaveLength(2)
    expect(requests[0]).toMatchObject({
      level: 'info',
      method: 'POST',
      path: '/api/v1/events',
      status: 201,
      org: 'o',
    })
    const all = lines.join('\n')
    for (const secret of [admin, 'confidential', 'also secret', 'topsecretword'])
      expect(all).not.toContain(secret)
    await store.close()
  })

  it('serves an OpenAPI 3.1 document that covers every route', async () => {
    const t = await createTestApp()
    const doc = (await t.json('GET', '/api/openapi.json')).body
    expect(doc.openapi).toBe('3.1.0')
    for (const path of [
      '/api/v1/events',
      '/api/v1/events/batch',
      '/api/v1/events/{id}',
      '/api/v1/stats',
      '/api/v1/agents',
      '/api/v1/agents/{name}',
      '/api/v1/keys',
      '/api/v1/keys/create',
      '/api/v1/keys/rotate',
      '/api/v1/keys/revoke',
      '/healthz',
      '/readyz',
    ])
      expect(doc.paths[path], path).toBeDefined()
    const events = doc.paths['/api/v1/events']
    expect(events.post.requestBody.content['application/json'].schema.$ref).toBe(
      '#/components/schemas/EventInput',
    )
    expect(doc.components.schemas.EventInput.properties.tokens_input).toMatchObject({
      type: 'integer',
      minimum: 0,
    })
    const params = events.get.parameters.map((p: { name: string }) => p.name)
    expect(params).toEqual(
      expect.arrayContaining(['from', 'to', 'agent', 'q', 'limit', 'cursor', 'format', 'tag']),
    )
    expect(events.get.parameters.find((p: { name: string }) => p.name === 'from').schema.type).toBe(
      'string',
    )
    await t.close()
  })
})
