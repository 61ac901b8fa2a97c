import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DIALECTS, createTestApp } from '../helpers/test-app.js'
import type { TestApp } from '../helpers/test-app.js'

/** AgentWarden's documented 403 body (shared/reference/002, "Exceeding Limits"), word for word. */
const DOCUMENTED_403 = {
  detail: {
    error: 'plan_limit_exceeded',
    message: 'Monthly log limit reached (1000/1000). Upgrade your plan for more logs.',
    limit_type: 'logs',
    current_plan: 'free',
    upgrade_url: '/settings?tab=plans',
  },
}

describe.each(DIALECTS)('plans, retention and agent registration (%s)', (dialect) => {
  let t: TestApp
  let ingest: string
  beforeEach(async () => {
    t = await createTestApp({}, dialect)
    ingest = await t.key('org-a', ['ingest'])
  })
  afterEach(() => t.close())

  // Plans are the operator's (agenttrail orgs plan, test/e2e/orgs-cli.test.ts); the helper takes the same path.
  const setPlan = (plan: Parameters<TestApp['setPlan']>[0]) => t.setPlan(plan)
  const sdkLog = (agent = 'bot') =>
    t.json('POST', '/sdk/log', {
      headers: { 'x-api-key': ingest },
      body: { agent_id: agent, action: 'a', status: 'success' },
    })
  const native = (body: unknown = { agent: 'bot' }) =>
    t.json('POST', '/api/v1/events', { key: ingest, body })
  const batch = (n: number) =>
    t.json('POST', '/api/v1/events/batch', {
      key: ingest,
      body: { events: Array.from({ length: n }, (_, i) => ({ agent: 'bot', n: i })) },
    })

  it('fills a named plan with its documented limits unless the request gives numbers', async () => {
    expect(await setPlan({ name: 'free' })).toEqual({
      name: 'free',
      logs_per_month: 1_000,
      retention_days: 7,
      requests_per_minute: 100,
    })
    expect(await setPlan({ name: 'pro', retention_days: 45 })).toEqual({
      name: 'pro',
      logs_per_month: 50_000,
      retention_days: 45,
      requests_per_minute: 1_000,
    })
    expect(await setPlan({ logs_per_month: 60_000 })).toEqual({
      name: 'pro',
      logs_per_month: 60_000,
      retention_days: 45,
      requests_per_minute: 1_000,
    })
    expect(await setPlan({ name: 'business' })).toEqual({
      name: 'business',
      logs_per_month: 500_000,
      retention_days: 90,
      requests_per_minute: 10_000,
    })
    expect(await setPlan({ name: 'enterprise' })).toEqual({
      name: 'enterprise',
      logs_per_month: null,
      retention_days: null,
      requests_per_minute: null,
    })
    expect(await setPlan({ name: 'in-house', logs_per_month: 5 })).toEqual({
      name: 'in-house',
      logs_per_month: 5,
      retention_days: null,
      requests_per_minute: null,
    })
    // GET shows the plan the operator set.
    expect(
      (await t.json('GET', '/api/v1/org/settings', { key: t.adminKey })).body.plan,
    ).toMatchObject({
      name: 'in-house',
      logs_per_month: 5,
    })
  })

  it('allows exactly logs_per_month events in the month and refuses the next with the documented body', async () => {
    await setPlan({ name: 'free', requests_per_minute: null })
    expect((await batch(999)).status).toBe(201)
    expect((await sdkLog()).status).toBe(200) // the 1,000th
    const refused = await sdkLog()
    expect(refused.status).toBe(403)
    expect(refused.body).toEqual(DOCUMENTED_403)
    const nativeRefused = await native()
    expect(nativeRefused.status).toBe(403)
    expect(nativeRefused.body).toEqual({
      error: DOCUMENTED_403.detail.message,
      code: 'plan_limit_exceeded',
    })
    const stats = await t.json('GET', '/api/v1/stats?days=1', { key: t.adminKey })
    expect(stats.body.totals.events).toBe(1_000)
  })

  it('refuses on the native paths at the limit too, and a batch that would cross it as a whole', async () => {
    await setPlan({ name: 'starter', logs_per_month: 3 })
    expect((await native()).status).toBe(201)
    const over = await batch(3)
    expect(over.status).toBe(403)
    expect(over.body).toEqual({
      error:
        'Monthly log limit would be exceeded (1/3 used, 3 more sent). Upgrade your plan for more logs.',
      code: 'plan_limit_exceeded',
    })
    expect((await batch(2)).status).toBe(201)
    expect((await native()).body).toEqual({
      error: 'Monthly log limit reached (3/3). Upgrade your plan for more logs.',
      code: 'plan_limit_exceeded',
    })
    const refused = await sdkLog()
    expect(refused.body.detail).toMatchObject({
      message: 'Monthly log limit reached (3/3). Upgrade your plan for more logs.',
      current_plan: 'starter',
    })
    await setPlan({ logs_per_month: null })
    expect((await native()).status).toBe(201)
  })

  it("limits the org's requests per minute on every path and says when to retry", async () => {
    await setPlan({ name: 'tiny', requests_per_minute: 3 })
    expect((await sdkLog()).status).toBe(200)
    expect((await native()).status).toBe(201)
    expect((await batch(2)).status).toBe(201)
    const refused = await sdkLog()
    expect(refused.status).toBe(429)
    expect(refused.body).toEqual({ detail: 'Rate limit exceeded. Retry after 20 seconds.' })
    expect(refused.headers.get('retry-after')).toBe('20')
    const nativeRefused = await native()
    expect(nativeRefused.status).toBe(429)
    expect(nativeRefused.body).toEqual({
      error: 'Rate limit exceeded: the tiny plan allows 3 requests per minute. Retry after 20 s.',
      code: 'rate_limited',
    })
    expect(nativeRefused.headers.get('retry-after')).toBe('20')
    // Another org has its own bucket.
    const other = await t.key('org-b', ['ingest'])
    expect((await t.json('POST', '/api/v1/events', { key: other, body: {} })).status).toBe(201)
  })

  it('refuses events of unregistered agents on every path when the org requires registration', async () => {
    await t.json('PATCH', '/api/v1/org/settings', {
      key: t.adminKey,
      body: { require_registered_agents: true },
    })
    expect((await sdkLog('bot')).body).toEqual({ detail: 'Agent not found' })
    const refused = await native({ agent: 'bot' })
    expect(refused.status).toBe(404)
    expect(refused.body).toMatchObject({ code: 'agent_not_registered' })
    expect(Object.keys(refused.body).sort()).toEqual(['code', 'error'])
    expect((await native({ title: 'no agent' })).status).toBe(201)

    const control = await t.key('org-a', ['control'])
    const first = await t.json('POST', '/api/v1/agents', { key: control, body: { name: 'bot' } })
    expect(first.status).toBe(201)
    expect(first.body).toMatchObject({
      name: 'bot',
      environment: 'production',
      status: 'active',
      events: 0,
      errors: 0,
      cost_usd: 0,
    })
    expect(typeof first.body.guid).toBe('string')
    expect(
      (await t.json('POST', '/api/v1/agents', { key: control, body: { name: 'bot' } })).status,
    ).toBe(200)
    expect((await sdkLog('bot')).status).toBe(200)
    expect((await native({ agent: 'bot' })).status).toBe(201)
    // Registration is per environment; a batch with one unregistered agent is refused as a whole.
    expect((await native({ agent: 'bot', environment: 'staging' })).status).toBe(404)
    const mixed = await t.json('POST', '/api/v1/events/batch', {
      key: ingest,
      body: { events: [{ agent: 'bot' }, { agent: 'stranger' }] },
    })
    expect(mixed.status).toBe(404)
    const listed = await t.json('GET', '/api/v1/agents', { key: t.adminKey })
    expect(listed.body.agents).toEqual([expect.objectContaining({ name: 'bot', events: 2 })])
  })

  it('registers agents only with the control or admin scope and a valid body', async () => {
    expect(
      (await t.json('POST', '/api/v1/agents', { key: ingest, body: { name: 'bot' } })).status,
    ).toBe(403)
    for (const body of [
      {},
      { name: '' },
      { name: 'bot', colour: 'red' },
      { name: 7 },
      { name: 'bot', environment: '' },
    ]) {
      const res = await t.json('POST', '/api/v1/agents', { key: t.adminKey, body })
      expect(res.status).toBe(400)
      expect(res.body.code).toBe('validation_failed')
    }
    const staging = await t.json('POST', '/api/v1/agents', {
      key: t.adminKey,
      body: { name: 'bot', environment: 'staging' },
    })
    expect(staging.status).toBe(201)
    expect(staging.body.environment).toBe('staging')
  })
})
