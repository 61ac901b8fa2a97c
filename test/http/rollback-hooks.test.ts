import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DIALECTS, createTestApp } from '../helpers/test-app.js'
import type { TestApp } from '../helpers/test-app.js'

/** The "Register a rollback hook" example of the docs (shared/reference/004), as written. */
const DOCS_BODY = {
  url: 'https://your-server.com/rollback',
  agent_name: 'billing-bot',
  triggers: ['agent.killed', 'budget.exceeded'],
}
/** The body AgentLedger's own code takes. */
const CODE_BODY = {
  rollback_webhook_url: 'https://your-server.com/undo',
  agent_name: 'billing-bot',
  rollback_config: { refund: true },
  enabled: true,
}

describe.each(DIALECTS)('rollback hooks (%s)', (dialect) => {
  let t: TestApp
  beforeEach(async () => {
    t = await createTestApp({}, dialect)
  })
  afterEach(() => t.close())

  const call = (method: string, path: string, body?: unknown, key = t.adminKey) =>
    t.json(method, path, { key, ...(body !== undefined && { body }) })
  const create = async (body: unknown) => {
    const res = await call('POST', '/api/v1/rollback-hooks', body)
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    return res.body as { id: string; secret: string; [k: string]: any }
  }

  it('registers the documented body and AgentLedger’s code body, showing each secret once', async () => {
    const docs = await create(DOCS_BODY)
    expect(docs).toEqual({
      id: expect.any(String),
      url: DOCS_BODY.url,
      rollback_webhook_url: DOCS_BODY.url,
      agent_name: 'billing-bot',
      triggers: ['agent.killed', 'budget.exceeded'],
      enabled: true,
      rollback_config: null,
      failure_count: 0,
      disabled_reason: null,
      last_triggered_at: null,
      created_at: expect.any(String),
      updated_at: expect.any(String),
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
    })
    const code = await create(CODE_BODY)
    expect(code).toMatchObject({
      url: CODE_BODY.rollback_webhook_url,
      triggers: ['agent.killed', 'budget.exceeded'],
      rollback_config: { refund: true },
    })
    const underscored = await create({ url: 'https://x.example/', triggers: ['agent_killed'] })
    expect(underscored.triggers).toEqual(['agent.killed'])
    const list = await call('GET', '/api/v1/rollback-hooks')
    expect(list.body.hooks).toHaveLength(3)
    const one = await call('GET', `/api/v1/rollback-hooks/${docs.id}`)
    const { secret, ...shown } = docs
    expect(one.body).toEqual({ hook: shown })
    const audit = JSON.stringify((await call('GET', '/api/v1/events?kind=audit')).body)
    expect(audit).toContain('rollback_hook.created')
    for (const s of [docs.secret, code.secret]) {
      expect(JSON.stringify([list.body, one.body])).not.toContain(s.slice(6))
      expect(audit).not.toContain(s.slice(6))
    }
    expect(secret).toBeTruthy()
    const raw = await t.store.notify.getSubscription('org-a', 'rollback', docs.id)
    expect(raw?.secret).not.toContain(docs.secret.slice(6))
  })

  it('refuses bad input with a 400 naming the field', async () => {
    const cases: Array<[unknown, string, string]> = [
      [{ agent_name: 'bot' }, 'validation_failed', 'url'],
      [
        { url: 'https://a.example/', rollback_webhook_url: 'https://b.example/' },
        'validation_failed',
        'url',
      ],
      [{ ...DOCS_BODY, triggers: ['agent.paused'] }, 'validation_failed', 'triggers.0'],
      [{ ...DOCS_BODY, triggers: [] }, 'validation_failed', 'triggers'],
      [{ ...DOCS_BODY, service: 'stripe' }, 'validation_failed', 'service'],
      [{ ...DOCS_BODY, action: 'charge' }, 'validation_failed', 'action'],
      [{ ...DOCS_BODY, rollback_config: [1] }, 'validation_failed', 'rollback_config'],
      [{ ...DOCS_BODY, url: 'http://169.254.169.254/' }, 'invalid_destination', 'url'],
      [{ rollback_webhook_url: 'http://10.0.0.1/' }, 'invalid_destination', 'rollback_webhook_url'],
      [{ url: 'file:///etc/passwd' }, 'invalid_destination', 'url'],
      [{ url: `https://x.example/${'a'.repeat(2000)}` }, 'validation_failed', 'url'],
    ]
    for (const [body, code, path] of cases) {
      const res = await call('POST', '/api/v1/rollback-hooks', body)
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400)
      expect(res.body, JSON.stringify(body).slice(0, 80)).toMatchObject({
        code,
        details: [{ path }],
      })
    }
    expect(
      await t.json('POST', '/api/v1/rollback-hooks', { key: t.adminKey, raw: '[' }),
    ).toMatchObject({
      status: 400,
      body: { code: 'invalid_json' },
    })
    // service and action sent as null (AgentLedger's dashboard) are taken.
    expect(
      (await call('POST', '/api/v1/rollback-hooks', { ...CODE_BODY, service: null, action: null }))
        .status,
    ).toBe(201)
  })

  it('changes and deletes in both forms, with scopes, org isolation and 404s', async () => {
    const h = await create(DOCS_BODY)
    const changed = await call('PATCH', '/api/v1/rollback-hooks', {
      id: h.id,
      enabled: false,
      triggers: ['budget_exceeded'],
    })
    expect(changed.body).toMatchObject({
      id: h.id,
      enabled: false,
      triggers: ['budget.exceeded'],
      disabled_reason: 'operator',
    })
    const byId = await call('PATCH', `/api/v1/rollback-hooks/${h.id}`, {
      agent_name: null,
      rollback_config: { a: 1 },
      enabled: true,
    })
    expect(byId.body).toMatchObject({ agent_name: null, rollback_config: { a: 1 }, enabled: true })
    expect(
      (
        await call('PATCH', `/api/v1/rollback-hooks/${h.id}`, {
          rollback_webhook_url: 'http://10.0.0.1/',
        })
      ).body.code,
    ).toBe('invalid_destination')
    expect((await call('PATCH', `/api/v1/rollback-hooks/${h.id}`, {})).status).toBe(400)
    const read = await t.key('org-a', ['read'])
    expect((await call('POST', '/api/v1/rollback-hooks', DOCS_BODY, read)).status).toBe(403)
    expect(
      (await call('PATCH', `/api/v1/rollback-hooks/${h.id}`, { enabled: false }, read)).status,
    ).toBe(403)
    expect((await call('GET', '/api/v1/rollback-hooks/executions', undefined, read)).status).toBe(
      200,
    )
    const other = await t.key('org-b', ['admin'])
    expect((await call('GET', '/api/v1/rollback-hooks', undefined, other)).body).toEqual({
      hooks: [],
    })
    expect(
      (await call('PATCH', '/api/v1/rollback-hooks', { id: h.id, enabled: false }, other)).status,
    ).toBe(404)
    expect(
      (await call('DELETE', `/api/v1/rollback-hooks?id=${h.id}`, undefined, other)).status,
    ).toBe(404)
    expect(await call('DELETE', `/api/v1/rollback-hooks?id=${h.id}`)).toMatchObject({
      status: 200,
      body: { deleted: true },
    })
    const second = await create(CODE_BODY)
    expect(await call('DELETE', `/api/v1/rollback-hooks/${second.id}`)).toMatchObject({
      status: 200,
      body: { deleted: true },
    })
    for (const [method, path, body] of [
      ['GET', `/api/v1/rollback-hooks/${h.id}`],
      ['PATCH', `/api/v1/rollback-hooks/${h.id}`, { enabled: true }],
      ['DELETE', `/api/v1/rollback-hooks/${h.id}`],
    ] as const)
      expect((await call(method, path, body)).body.code, `${method} ${path}`).toBe('not_found')
    const actions = (await call('GET', '/api/v1/events?kind=audit')).body.events.map(
      (e: { action: string }) => e.action,
    )
    expect(actions.filter((a: string) => a.startsWith('rollback_hook.'))).toEqual(
      expect.arrayContaining([
        'rollback_hook.created',
        'rollback_hook.updated',
        'rollback_hook.deleted',
      ]),
    )
  })

  it('lists each call of a hook as an execution, newest first', async () => {
    const h = await create(DOCS_BODY)
    expect((await call('GET', '/api/v1/rollback-hooks/executions')).body).toEqual({
      executions: [],
    })
    const d = await t.store.notify.enqueue(
      'org-a',
      h.id,
      'agent.killed',
      '{"agent":"billing-bot"}',
      Date.now(),
    )
    const [claimed] = await t.store.notify.claimDeliveries(Date.now() + 1, 10, 60_000)
    expect(claimed?.id).toBe(d.id)
    const startedAt = Date.now()
    await t.store.notify.settleDelivery(
      'org-a',
      d.id,
      1,
      {
        ok: true,
        status: 200,
        durationMs: 12,
        error: null,
        responseBody: 'undone',
        startedAt,
        body: '{}',
        retryAt: null,
      },
      10,
    )
    const res = await call('GET', '/api/v1/rollback-hooks/executions?limit=5')
    expect(res.body).toEqual({
      executions: [
        {
          id: `${d.id}:1`,
          rollback_hook_id: h.id,
          trigger_reason: 'agent.killed',
          response_status: 200,
          response_body: 'undone',
          success: true,
          duration_ms: 12,
          error: null,
          created_at: new Date(startedAt).toISOString(),
        },
      ],
    })
    expect((await call('GET', '/api/v1/rollback-hooks/executions?limit=0')).body.code).toBe(
      'invalid_query',
    )
  })
})
