import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DIALECTS, createTestApp } from '../helpers/test-app.js'
import type { TestApp } from '../helpers/test-app.js'

/** The "Create a webhook" example of the docs' "Webhooks" section (shared/reference/004), as written. */
const DOCS_BODY = {
  url: 'https://your-server.com/webhook',
  events: ['budget.exceeded', 'agent.killed'],
  description: 'Slack alerts',
}

describe.each(DIALECTS)('webhooks (%s)', (dialect) => {
  let t: TestApp
  beforeEach(async () => {
    t = await createTestApp({}, dialect)
  })
  afterEach(() => t.close())

  const call = (method: string, path: string, body?: unknown, key = t.adminKey) =>
    t.json(method, path, { key, ...(body !== undefined && { body }) })
  const create = async (body: unknown = DOCS_BODY) => {
    const res = await call('POST', '/api/v1/webhooks', body)
    expect(res.status).toBe(200)
    return res.body as { id: string; secret: string; [k: string]: unknown }
  }
  const trail = async () =>
    (await call('GET', '/api/v1/events?kind=audit')).body.events as Array<Record<string, any>>

  it('creates the documented webhook, answering 200 with the secret once, and never shows it again', async () => {
    const created = await create()
    expect(created).toMatchObject({
      id: expect.any(String),
      url: DOCS_BODY.url,
      events: DOCS_BODY.events,
      active: true,
      description: 'Slack alerts',
      created_at: expect.any(String),
    })
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/)
    const list = await call('GET', '/api/v1/webhooks')
    expect(list.body).toEqual({
      webhooks: [
        {
          id: created.id,
          url: DOCS_BODY.url,
          events: DOCS_BODY.events,
          active: true,
          description: 'Slack alerts',
          last_triggered_at: null,
          failure_count: 0,
          disabled_reason: null,
          created_at: created.created_at,
          updated_at: expect.any(String),
        },
      ],
    })
    const one = await call('GET', `/api/v1/webhooks/${created.id}`)
    expect(one.body).toEqual({ webhook: list.body.webhooks[0] })
    expect(JSON.stringify([list.body, one.body])).not.toContain(created.secret)
    // Sealed in the store, and absent from the trail.
    const raw = await t.store.notify.getSubscription('org-a', 'webhook', created.id)
    expect(raw?.secret).toBeTruthy()
    expect(raw?.secret).not.toContain(created.secret.slice(6))
    const events = await trail()
    expect(events.map((e) => e.action)).toContain('webhook.created')
    expect(JSON.stringify(events)).not.toContain(created.secret.slice(6))
  })

  it('subscribes to every event when none are named, and drops duplicates', async () => {
    const all = await create({ url: 'https://example.com/hook' })
    expect(all.events).toHaveLength(13)
    expect(all.events).toContain('action.logged')
    expect(all.events).toContain('batch.logged')
    const dup = await create({
      url: 'https://example.com/h',
      events: ['agent.killed', 'agent.killed'],
    })
    expect(dup.events).toEqual(['agent.killed'])
  })

  it('refuses bad input on create with a 400 naming the field', async () => {
    const cases: Array<[unknown, string, string]> = [
      [
        { url: 'https://x.example/', events: ['agent.killed', 'agent.paused', 'foo'] },
        'validation_failed',
        'events.2',
      ],
      [{ url: 'https://x.example/', events: [] }, 'validation_failed', 'events'],
      [{ events: ['agent.killed'] }, 'validation_failed', 'url'],
      [{ url: 'http://169.254.169.254/latest/meta-data' }, 'invalid_destination', 'url'],
      [{ url: 'http://10.0.0.1/' }, 'invalid_destination', 'url'],
      [{ url: 'http://[::ffff:127.0.0.1]/' }, 'invalid_destination', 'url'],
      [{ url: 'ftp://example.com/' }, 'invalid_destination', 'url'],
      [{ url: 'not a url' }, 'invalid_destination', 'url'],
      [{ url: `https://example.com/${'a'.repeat(2000)}` }, 'validation_failed', 'url'],
      [{ url: 'https://example.com/', secret: 'mine' }, 'validation_failed', ''],
    ]
    for (const [body, code, path] of cases) {
      const res = await call('POST', '/api/v1/webhooks', body)
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400)
      expect(res.body, JSON.stringify(body).slice(0, 80)).toMatchObject({
        code,
        details: [{ path }],
      })
    }
    const unknown = await call('POST', '/api/v1/webhooks', {
      url: 'https://x.example/',
      events: ['agent.killed', 'x', 'foo'],
    })
    expect(unknown.body.error).toMatch(/^events\.1: unknown event "x"; one of action\.logged, /)
    const bad = await t.json('POST', '/api/v1/webhooks', { key: t.adminKey, raw: '{"url":' })
    expect(bad).toMatchObject({ status: 400, body: { code: 'invalid_json' } })
    expect((await call('GET', '/api/v1/webhooks')).body.webhooks).toEqual([])
  })

  it('needs the admin scope to change webhooks and the read scope to see them', async () => {
    const read = await t.key('org-a', ['read'])
    const control = await t.key('org-a', ['control'])
    const w = await create()
    for (const key of [read, control]) {
      expect((await call('POST', '/api/v1/webhooks', DOCS_BODY, key)).status).toBe(403)
      expect((await call('PATCH', `/api/v1/webhooks/${w.id}`, { active: false }, key)).status).toBe(
        403,
      )
      expect((await call('DELETE', `/api/v1/webhooks/${w.id}`, undefined, key)).status).toBe(403)
      expect((await call('POST', `/api/v1/webhooks/${w.id}/test`, undefined, key)).status).toBe(403)
    }
    expect((await call('GET', '/api/v1/webhooks', undefined, read)).status).toBe(200)
    expect((await call('GET', `/api/v1/webhooks/${w.id}/deliveries`, undefined, read)).status).toBe(
      200,
    )
    expect((await call('GET', '/api/v1/webhooks', undefined, control)).status).toBe(403)
  })

  it('changes a webhook in both forms, checks a new URL, and re-enables with the failure count reset', async () => {
    const w = await create()
    expect(
      await call('PATCH', '/api/v1/webhooks', {
        id: w.id,
        events: ['action.logged'],
        description: null,
      }),
    ).toEqual(expect.objectContaining({ status: 200, body: { updated: true } }))
    const off = await call('PATCH', `/api/v1/webhooks/${w.id}`, { enabled: false })
    expect(off.body.webhook).toMatchObject({
      active: false,
      disabled_reason: 'operator',
      events: ['action.logged'],
      description: null,
    })
    for (const url of ['http://10.0.0.1/', 'http://169.254.169.254/', 'gopher://x/'])
      for (const [path, body] of [
        ['/api/v1/webhooks', { id: w.id, url }],
        [`/api/v1/webhooks/${w.id}`, { url }],
      ] as const)
        expect((await call('PATCH', path, body)).body, url).toMatchObject({
          code: 'invalid_destination',
        })
    expect((await call('PATCH', `/api/v1/webhooks/${w.id}`, {})).body.code).toBe(
      'validation_failed',
    )
    expect(
      (await call('PATCH', `/api/v1/webhooks/${w.id}`, { active: true, enabled: false })).status,
    ).toBe(400)
    // Disabled by failures: the store counts them; re-enabling resets the count.
    await t.store.notify.updateSubscription('org-a', 'webhook', w.id, { enabled: true }, Date.now())
    const sub = (await t.store.notify.getSubscription('org-a', 'webhook', w.id))!
    expect(sub.failure_count).toBe(0)
    const d = await t.store.notify.enqueue('org-a', w.id, 'agent.killed', '{}', Date.now())
    const [claimed] = await t.store.notify.claimDeliveries(Date.now() + 1, 10, 60_000)
    expect(claimed?.id).toBe(d.id)
    const fail = {
      ok: false,
      status: 500,
      durationMs: 3,
      error: 'http_500',
      responseBody: 'no',
      startedAt: Date.now(),
      body: '{}',
      retryAt: null,
    }
    await t.store.notify.settleDelivery('org-a', d.id, 1, fail, 1)
    const failed = await call('GET', `/api/v1/webhooks/${w.id}`)
    expect(failed.body.webhook).toMatchObject({
      active: false,
      disabled_reason: 'failures',
      failure_count: 1,
    })
    const enabled = await call('POST', `/api/v1/webhooks/${w.id}/enable`)
    expect(enabled.body.webhook).toMatchObject({
      active: true,
      disabled_reason: null,
      failure_count: 0,
    })
    const actions = (await trail()).map((e) => e.action)
    expect(actions.filter((a) => a === 'webhook.updated')).toHaveLength(3)
  })

  it('deletes in both forms and answers 404 for unknown ids on every route', async () => {
    const a = await create()
    const b = await create()
    expect(await call('DELETE', `/api/v1/webhooks?id=${a.id}`)).toMatchObject({
      status: 200,
      body: { deleted: true },
    })
    expect(await call('DELETE', `/api/v1/webhooks/${b.id}`)).toMatchObject({
      status: 200,
      body: { deleted: true },
    })
    expect((await trail()).filter((e) => e.action === 'webhook.deleted')).toHaveLength(2)
    expect((await call('DELETE', '/api/v1/webhooks')).body.code).toBe('invalid_query')
    for (const [method, path, body] of [
      ['GET', `/api/v1/webhooks/${a.id}`],
      ['PATCH', `/api/v1/webhooks/${a.id}`, { active: true }],
      ['PATCH', '/api/v1/webhooks', { id: a.id, active: true }],
      ['DELETE', `/api/v1/webhooks/${a.id}`],
      ['DELETE', `/api/v1/webhooks?id=${a.id}`],
      ['POST', `/api/v1/webhooks/${a.id}/enable`],
      ['POST', `/api/v1/webhooks/${a.id}/test`],
      ['GET', `/api/v1/webhooks/${a.id}/deliveries`],
      ['POST', `/api/v1/webhooks/${a.id}/deliveries/x/redeliver`],
    ] as const) {
      const res = await call(method, path, body)
      expect(res.status, `${method} ${path}`).toBe(404)
      expect(res.body.code).toBe('not_found')
    }
  })

  it('keeps one org’s webhooks from another', async () => {
    const w = await create()
    const other = await t.key('org-b', ['admin'])
    expect((await call('GET', '/api/v1/webhooks', undefined, other)).body).toEqual({ webhooks: [] })
    for (const [method, path, body] of [
      ['GET', `/api/v1/webhooks/${w.id}`],
      ['PATCH', '/api/v1/webhooks', { id: w.id, active: false }],
      ['DELETE', `/api/v1/webhooks?id=${w.id}`],
      ['POST', `/api/v1/webhooks/${w.id}/test`],
      ['GET', `/api/v1/webhooks/${w.id}/deliveries`],
    ] as const)
      expect((await call(method, path, body, other)).status, `${method} ${path}`).toBe(404)
    expect((await call('GET', `/api/v1/webhooks/${w.id}`)).body.webhook.active).toBe(true)
  })

  it('queues a test send, lists it as pending, redelivers it and pages the log', async () => {
    const w = await create()
    const test = await call('POST', `/api/v1/webhooks/${w.id}/test`)
    expect(test.status).toBe(202)
    expect(test.body.delivery).toMatchObject({
      event: 'webhook.test',
      status: 'pending',
      attempts: 0,
      attempts_log: [],
    })
    const log = await call('GET', `/api/v1/webhooks/${w.id}/deliveries`)
    expect(log.body).toEqual({ deliveries: [test.body.delivery], next_before: null })
    const again = await call(
      'POST',
      `/api/v1/webhooks/${w.id}/deliveries/${test.body.delivery.id}/redeliver`,
    )
    expect(again.status).toBe(202)
    expect(again.body.delivery).toMatchObject({ id: test.body.delivery.id, status: 'pending' })
    const unknown = await call(
      'POST',
      `/api/v1/webhooks/${w.id}/deliveries/00000000-0000-0000-0000-000000000000/redeliver`,
    )
    expect(unknown).toMatchObject({ status: 404, body: { code: 'not_found' } })
    // Deliveries made in one millisecond are paged without losing any.
    const now = Date.now()
    for (let i = 0; i < 4; i++)
      await t.store.notify.enqueue('org-a', w.id, 'agent.killed', '{}', now)
    const seen: string[] = []
    let before: string | null = ''
    while (before !== null) {
      const page = await call(
        'GET',
        `/api/v1/webhooks/${w.id}/deliveries?limit=2${before ? `&before=${before}` : ''}`,
      )
      expect(page.status).toBe(200)
      seen.push(...page.body.deliveries.map((d: { id: string }) => d.id))
      before = page.body.next_before
    }
    expect(new Set(seen).size).toBe(5)
    expect((await call('GET', `/api/v1/webhooks/${w.id}/deliveries?limit=0`)).body.code).toBe(
      'invalid_query',
    )
    expect((await call('GET', `/api/v1/webhooks/${w.id}/deliveries?before=soon`)).body.code).toBe(
      'invalid_query',
    )
  })

  it('refuses a webhook past the 50th of an org with 409 limit_reached', async () => {
    for (let i = 0; i < 50; i++) await create({ url: `https://example.com/${i}` })
    const res = await call('POST', '/api/v1/webhooks', DOCS_BODY)
    expect(res).toMatchObject({ status: 409, body: { code: 'limit_reached' } })
  })
})
