import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createApiKey } from '@agenttrail/server'
import { DIALECTS, createTestApp } from '../helpers/test-app.js'
import type { TestApp } from '../helpers/test-app.js'

/** The docs' "Budgets & Alerts" curl example (shared/reference/004), body as written. */
const DOCS_BUDGET = {
  agent: 'billing-agent',
  period: 'daily',
  max_actions: 1000,
  max_cost_cents: 5000,
}

const midnight = (at = Date.now()) =>
  new Date(Math.floor(at / 86_400_000) * 86_400_000).toISOString()

describe.each(DIALECTS)('budgets (%s)', (dialect) => {
  let t: TestApp
  let control: { key: string; id: string }
  let ingest: string
  beforeEach(async () => {
    t = await createTestApp({}, dialect)
    control = await createApiKey(t.store.keys, { orgId: 'org-a', name: 'ops', scopes: ['control'] })
    ingest = await t.key('org-a', ['ingest'])
  })
  afterEach(() => t.close())

  const post = (body: unknown, path = '/api/v1/budgets') =>
    t.json('POST', path, { key: control.key, body })
  const get = (path: string) => t.json('GET', path, { key: t.adminKey })
  const create = async (body: unknown) => {
    const res = await post(body)
    expect(res.status).toBe(201)
    return res.body as { id: string; [k: string]: unknown }
  }
  const act = async (agent: string, cost_cents = 0, environment?: string) => {
    const res = await t.json('POST', '/api/v1/actions', {
      key: ingest,
      body: { agent, service: 'stripe', action: 'charge', cost_cents, environment },
    })
    return res.status
  }

  it('creates the documented budget as written and answers 201 with its usage of the current period', async () => {
    const res = await post(DOCS_BUDGET)
    expect(res.status).toBe(201)
    expect(res.body).toEqual({
      id: expect.any(String),
      environment: 'production',
      agent_name: 'billing-agent',
      agents: { name: 'billing-agent' },
      period: 'daily',
      max_actions: 1000,
      max_cost_cents: 5000,
      period_start: midnight(),
      period_end: new Date(Date.parse(midnight()) + 86_400_000).toISOString(),
      current_actions: 0,
      current_cost_cents: 0,
      pct_actions: 0,
      pct_cost: 0,
      status: 'ok',
      created_at: expect.any(String),
      updated_at: expect.any(String),
    })
    expect((await get(`/api/v1/budgets/${res.body.id}`)).body).toEqual(res.body)
    expect((await get('/api/v1/budgets')).body).toEqual({ budgets: [res.body] })
  })

  it('changes the limits of the budget of the same agent, environment and period, answering 200', async () => {
    const first = await create(DOCS_BUDGET)
    const again = await post({ agent_name: 'billing-agent', period: 'daily', max_cost_cents: 100 })
    expect(again.status).toBe(200)
    expect(again.body).toMatchObject({ id: first.id, max_actions: null, max_cost_cents: 100 })
    const weekly = await create({ ...DOCS_BUDGET, period: 'weekly' })
    const staging = await post({ ...DOCS_BUDGET, environment: 'staging' })
    expect(staging.status).toBe(201)
    const fromQuery = await post(
      { ...DOCS_BUDGET, period: 'hourly' },
      '/api/v1/budgets?environment=dev',
    )
    expect(fromQuery.body).toMatchObject({ environment: 'dev', period: 'hourly' })
    expect(new Set([first.id, weekly.id, staging.body.id, fromQuery.body.id]).size).toBe(4)
    expect((await get('/api/v1/budgets')).body.budgets).toHaveLength(4)
    expect(
      (await get('/api/v1/budgets?environment=staging')).body.budgets.map(
        (b: { id: string }) => b.id,
      ),
    ).toEqual([staging.body.id])
  })

  it('keeps an org-wide budget when no agent is named, counting every agent of its environment', async () => {
    const org = await create({ period: 'monthly', max_actions: 10 })
    expect(org).toMatchObject({ agent_name: null, agents: null, environment: 'production' })
    const own = await create({ agent_name: 'a', period: 'monthly', max_actions: 10 })
    expect(await act('a', 2)).toBe(200)
    expect(await act('b', 3)).toBe(200)
    expect(await act('a', 0, 'staging')).toBe(200)
    expect((await get(`/api/v1/budgets/${org.id}`)).body).toMatchObject({
      current_actions: 2,
      current_cost_cents: 5,
      pct_actions: 20,
    })
    expect((await get(`/api/v1/budgets/${own.id}`)).body).toMatchObject({
      current_actions: 1,
      current_cost_cents: 2,
    })
    expect(
      (await get('/api/v1/budgets?agent_name=a')).body.budgets.map((b: { id: string }) => b.id),
    ).toEqual([own.id])
  })

  it('shows the counters of logged actions, warning at 75% and exceeded at 100%', async () => {
    const b = await create({ agent: 'bot', period: 'daily', max_actions: 4, max_cost_cents: 1000 })
    for (let i = 0; i < 3; i++) expect(await act('bot', 10)).toBe(200)
    expect((await get(`/api/v1/budgets/${b.id}`)).body).toMatchObject({
      current_actions: 3,
      current_cost_cents: 30,
      pct_actions: 75,
      pct_cost: 3,
      status: 'warning',
    })
    await act('bot', 10)
    const listed = (await get('/api/v1/budgets')).body.budgets[0]
    expect(listed).toMatchObject({
      id: b.id,
      agent_name: 'bot',
      current_actions: 4,
      pct_actions: 100,
      status: 'exceeded',
    })
  })

  it('resets the current period’s counters by AgentLedger’s PATCH {id} and by POST /:id/reset', async () => {
    const b = await create({ agent: 'bot', period: 'hourly', max_actions: 5 })
    await act('bot', 4)
    await act('bot', 4)
    const reset = await t.json('PATCH', '/api/v1/budgets', { key: control.key, body: { id: b.id } })
    expect(reset.status).toBe(200)
    expect(reset.body).toMatchObject({
      message: 'Budget reset',
      budget: { id: b.id, current_actions: 0, current_cost_cents: 0, status: 'ok' },
    })
    await act('bot')
    expect((await get(`/api/v1/budgets/${b.id}`)).body.current_actions).toBe(1)
    const again = await t.json('POST', `/api/v1/budgets/${b.id}/reset`, { key: control.key })
    expect(again.body).toMatchObject({ message: 'Budget reset', budget: { current_actions: 0 } })
    expect((await t.json('POST', '/api/v1/budgets/nope/reset', { key: control.key })).status).toBe(
      404,
    )
    expect(
      (await t.json('PATCH', '/api/v1/budgets', { key: control.key, body: { id: 'nope' } })).status,
    ).toBe(404)
    const withLimits = await t.json('PATCH', '/api/v1/budgets', {
      key: control.key,
      body: { id: b.id, max_actions: 9 },
    })
    expect(withLimits.status).toBe(400)
    expect(withLimits.body.error).toMatch(/^body: unknown field max_actions/)
    expect(
      (await t.json('PATCH', '/api/v1/budgets', { key: control.key, body: {} })).body.error,
    ).toBe('id: is required')
  })

  it('changes or removes one limit by PATCH /:id, but never both', async () => {
    const b = await create(DOCS_BUDGET)
    const patch = (body: unknown, id = b.id) =>
      t.json('PATCH', `/api/v1/budgets/${id}`, { key: control.key, body })
    expect((await patch({ max_actions: 20 })).body).toMatchObject({
      id: b.id,
      max_actions: 20,
      max_cost_cents: 5000,
    })
    expect((await patch({ max_cost_cents: null })).body).toMatchObject({
      max_actions: 20,
      max_cost_cents: null,
      pct_cost: null,
    })
    const none = await patch({ max_actions: null })
    expect(none.status).toBe(400)
    expect(none.body.error).toBe('max_actions: keep at least one of max_actions and max_cost_cents')
    expect((await patch({ max_actions: null, max_cost_cents: null })).status).toBe(400)
    expect((await patch({})).body.error).toBe(
      'max_actions: send at least one of max_actions and max_cost_cents',
    )
    expect((await patch({ period: 'weekly' })).body.error).toMatch(/^body: unknown field period/)
    expect((await patch({ max_actions: 0 })).body.error).toBe('max_actions: must be greater than 0')
    expect((await patch({ max_actions: 1 }, 'nope')).status).toBe(404)
    expect((await get(`/api/v1/budgets/${b.id}`)).body).toMatchObject({
      max_actions: 20,
      max_cost_cents: null,
    })
  })

  it('refuses bad bodies naming the field', async () => {
    const cases: [unknown, string][] = [
      [
        { agent: 'a', period: 'yearly', max_actions: 1 },
        'period: must be one of hourly, daily, weekly, monthly',
      ],
      [
        { agent: 'a', max_actions: 1 },
        'period: is required: one of hourly, daily, weekly, monthly',
      ],
      [
        { agent: 'a', period: 'daily' },
        'max_actions: set at least one of max_actions and max_cost_cents',
      ],
      [
        { agent: 'a', period: 'daily', max_actions: null, max_cost_cents: null },
        'max_actions: set at least one of max_actions and max_cost_cents',
      ],
      [{ agent: 'a', period: 'daily', max_actions: 0 }, 'max_actions: must be greater than 0'],
      [{ agent: 'a', period: 'daily', max_actions: 1.5 }, 'max_actions: must be a whole number'],
      [{ agent: 'a', period: 'daily', max_actions: '5' }, 'max_actions: must be a number or null'],
      [
        { agent: 'a', period: 'daily', max_cost_cents: -1 },
        'max_cost_cents: must be greater than 0',
      ],
      [
        { agent: '', period: 'daily', max_actions: 1 },
        'agent: must not be empty; send null or leave it out for every agent',
      ],
      [
        { agent: 'a', agent_name: 'b', period: 'daily', max_actions: 1 },
        'agent: agent_name and agent are two spellings of one field and differ here; send one',
      ],
      [
        { agent: 'a', period: 'daily', max_actions: 1, environment: '' },
        'environment: must not be empty',
      ],
      ['daily', 'body: the body must be a JSON object'],
    ]
    for (const [body, error] of cases) {
      const res = await post(body)
      expect(res.status, error).toBe(400)
      expect(res.body.error).toBe(error)
    }
    expect((await post({ ...DOCS_BUDGET, reset: true })).body.error).toMatch(
      /^body: unknown field reset; the fields are agent_name, agent/,
    )
    const raw = await t.json('POST', '/api/v1/budgets', {
      key: control.key,
      raw: '{"period":"daily",',
    })
    expect(raw).toMatchObject({ status: 400, body: { code: 'invalid_json' } })
    expect((await get('/api/v1/budgets?agent_name=')).status).toBe(400)
    expect((await get('/api/v1/budgets')).body).toEqual({ budgets: [] })
    // The same agent spelled both ways is fine.
    expect(
      (await post({ agent: 'a', agent_name: 'a', period: 'daily', max_actions: 1 })).status,
    ).toBe(201)
  })

  it('deletes by id and by ?id=, and answers 404 for unknown ids and other orgs’ budgets', async () => {
    const a = await create(DOCS_BUDGET)
    const b = await create({ ...DOCS_BUDGET, period: 'weekly' })
    const other = await t.key('org-b', ['admin'])
    for (const [method, path, body] of [
      ['GET', `/api/v1/budgets/${a.id}`, undefined],
      ['PATCH', `/api/v1/budgets/${a.id}`, { max_actions: 1 }],
      ['PATCH', '/api/v1/budgets', { id: a.id }],
      ['POST', `/api/v1/budgets/${a.id}/reset`, undefined],
      ['DELETE', `/api/v1/budgets/${a.id}`, undefined],
      ['DELETE', `/api/v1/budgets?id=${a.id}`, undefined],
    ] as const) {
      const res = await t.json(method, path, { key: other, body })
      expect(res.status, `${method} ${path}`).toBe(404)
      expect(res.body).toMatchObject({
        error: 'no budget with this id in your org',
        code: 'not_found',
      })
    }
    expect((await t.json('GET', '/api/v1/budgets', { key: other })).body).toEqual({ budgets: [] })
    expect(await t.json('DELETE', `/api/v1/budgets/${a.id}`, { key: control.key })).toMatchObject({
      status: 200,
      body: { message: 'Budget deleted' },
    })
    expect(
      await t.json('DELETE', `/api/v1/budgets?id=${b.id}`, { key: control.key }),
    ).toMatchObject({
      status: 200,
      body: { message: 'Budget deleted' },
    })
    expect((await get(`/api/v1/budgets/${a.id}`)).status).toBe(404)
    expect((await t.json('DELETE', `/api/v1/budgets/${a.id}`, { key: control.key })).status).toBe(
      404,
    )
    expect((await t.json('DELETE', '/api/v1/budgets', { key: control.key })).body.error).toBe(
      'id: is required',
    )
    expect((await get('/api/v1/budgets')).body).toEqual({ budgets: [] })
  })

  it('needs the control scope to change budgets and the read scope to see them', async () => {
    const b = await create(DOCS_BUDGET)
    const read = await t.key('org-a', ['read'])
    expect((await t.json('GET', '/api/v1/budgets', { key: read })).status).toBe(200)
    expect((await t.json('GET', `/api/v1/budgets/${b.id}`, { key: read })).status).toBe(200)
    expect((await t.json('GET', '/api/v1/budgets', { key: ingest })).status).toBe(403)
    expect((await t.json('GET', '/api/v1/budgets', {})).status).toBe(401)
    for (const [method, path, body] of [
      ['POST', '/api/v1/budgets', DOCS_BUDGET],
      ['PATCH', `/api/v1/budgets/${b.id}`, { max_actions: 1 }],
      ['PATCH', '/api/v1/budgets', { id: b.id }],
      ['POST', `/api/v1/budgets/${b.id}/reset`, undefined],
      ['DELETE', `/api/v1/budgets/${b.id}`, undefined],
      ['DELETE', `/api/v1/budgets?id=${b.id}`, undefined],
    ] as const) {
      const res = await t.json(method, path, { key: read, body })
      expect(res.status, `${method} ${path}`).toBe(403)
      expect(res.body.code).toBe('forbidden')
    }
    expect((await get(`/api/v1/budgets/${b.id}`)).body).toMatchObject({ max_actions: 1000 })
  })

  it('records every change in the trail by the key that made it, and nothing for a no-op', async () => {
    const b = await create(DOCS_BUDGET)
    await post({ ...DOCS_BUDGET, max_actions: 2000 })
    await post({ ...DOCS_BUDGET, max_actions: 2000 }) // the same limits: no record
    await t.json('PATCH', `/api/v1/budgets/${b.id}`, {
      key: control.key,
      body: { max_cost_cents: null },
    })
    await act('billing-agent', 7)
    await t.json('POST', `/api/v1/budgets/${b.id}/reset`, { key: control.key })
    await t.json('DELETE', `/api/v1/budgets/${b.id}`, { key: control.key })
    const audit = (await get('/api/v1/events?kind=audit&user=' + control.id)).body.events.reverse()
    expect(audit.map((e: { action: string }) => e.action)).toEqual([
      'budget.created',
      'budget.updated',
      'budget.updated',
      'budget.reset',
      'budget.deleted',
    ])
    for (const e of audit)
      expect(e).toMatchObject({
        kind: 'audit',
        user: control.id,
        agent: null,
        environment: 'production',
      })
    expect(audit[1].metadata).toMatchObject({
      budget: { id: b.id, max_actions: 2000 },
      from: { max_actions: 1000, max_cost_cents: 5000 },
    })
    expect(audit[2].metadata.from).toEqual({ max_actions: 2000, max_cost_cents: 5000 })
    expect(audit[3].metadata.previous).toMatchObject({ current_actions: 1, current_cost_cents: 7 })
    expect(audit[4].metadata).toMatchObject({
      budget: { id: b.id },
      key: { id: control.id, name: 'ops' },
    })
  })
})
