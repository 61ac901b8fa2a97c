import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createApiKey } from '@agenttrail/server'
import { DIALECTS, createTestApp } from '../helpers/test-app.js'
import type { TestApp } from '../helpers/test-app.js'

/** What an evaluation writes to the alerts table (store/alert-model.ts `AlertUpsert`). */
type AlertUpsert = NonNullable<
  Parameters<TestApp['store']['alerts']['apply']>[1][number]['change']['alert']
>

interface Alert {
  id: string
  environment: string
  agent_name: string | null
  alert_type: string
  severity: string
  message: string
  metadata: Record<string, unknown>
  acknowledged_at: string | null
  acknowledged: boolean
  created_at: string
  state: 'firing' | 'resolved'
  rule_id: string | null
  series: string | null
  history: unknown[]
  updated_at: string
  resolved_at: string | null
}

describe.each(DIALECTS)('alerts (%s)', (dialect) => {
  let t: TestApp
  let control: { key: string; id: string }
  let read: string
  beforeEach(async () => {
    t = await createTestApp({}, dialect)
    control = await createApiKey(t.store.keys, { orgId: 'org-a', name: 'ops', scopes: ['control'] })
    read = await t.key('org-a', ['read'])
  })
  afterEach(() => t.close())

  const list = async (query = '') => {
    const res = await t.json('GET', `/api/v1/alerts${query}`, { key: read })
    expect(res.status).toBe(200)
    return res.body.alerts as Alert[]
  }
  const ack = (body: unknown, key = control.key) =>
    t.json('POST', '/api/v1/alerts/acknowledge', { key, body })

  /**
   * Real alerts: a budget of two actions in `environment`, then three actions logged through
   * AgentLedger's POST /api/v1/actions (the second reaches 75% and 100%, the third breaks the budget).
   */
  const overBudget = async (agent: string, environment = 'production') => {
    const budget = await t.json('POST', '/api/v1/budgets', {
      key: control.key,
      body: { agent, environment, period: 'daily', max_actions: 2 },
    })
    expect(budget.status).toBe(201)
    const ingest = await t.key('org-a', ['ingest'])
    for (let i = 0; i < 3; i++)
      await t.json('POST', '/api/v1/actions', {
        key: ingest,
        body: { agent, service: 'stripe', action: 'charge', environment },
      })
  }

  it('lists the unacknowledged alerts newest first, each with acknowledged: false', async () => {
    await overBudget('bot')
    const alerts = await list()
    expect(alerts.map((a) => a.alert_type).sort()).toEqual([
      'budget_exceeded',
      'budget_warning',
      'policy_violation',
    ])
    for (const a of alerts)
      expect(a).toEqual({
        id: expect.any(String),
        environment: 'production',
        agent_name: 'bot',
        alert_type: expect.any(String),
        severity: expect.stringMatching(/^(info|warning|critical)$/),
        message: expect.any(String),
        metadata: expect.any(Object),
        acknowledged_at: null,
        acknowledged: false,
        created_at: expect.any(String),
        state: 'firing',
        rule_id: null,
        series: null,
        history: [],
        updated_at: a.created_at,
        resolved_at: null,
      })
    const times = alerts.map((a) => Date.parse(a.created_at))
    expect(times).toEqual([...times].sort((x, y) => y - x))
    expect(alerts.find((a) => a.alert_type === 'policy_violation')?.message).toContain(
      'daily action budget exceeded (3/2)',
    )
    // A kill raises one too (through the store here: the kill route is tested with it).
    await t.store.control.setAgentStatus('org-a', 'production', 'bot', 'killed', Date.now(), {
      keyId: 'k',
      keyName: 'test',
      ipAddress: null,
    })
    const killed = (await list())[0]
    expect(killed).toMatchObject({
      alert_type: 'agent_killed',
      severity: 'critical',
      agent_name: 'bot',
    })
  })

  it('acknowledges one alert by id, which then shows only with all=true', async () => {
    await overBudget('bot')
    const [first, ...rest] = await list()
    const res = await ack({ id: first?.id })
    expect(res).toMatchObject({ status: 200, body: { message: 'Alert acknowledged' } })
    expect((await list()).map((a) => a.id)).toEqual(rest.map((a) => a.id))
    const all = await list('?all=true')
    expect(all).toHaveLength(3)
    const done = all.find((a) => a.id === first?.id)
    expect(done).toMatchObject({ acknowledged: true, acknowledged_at: expect.any(String) })
    // Acknowledging it again finds no open alert with that id.
    expect((await ack({ id: first?.id })).status).toBe(404)
    expect(await ack({ id: 'no-such-alert' })).toMatchObject({
      status: 404,
      body: { error: 'no unacknowledged alert with this id in your org', code: 'not_found' },
    })
  })

  it('acknowledges every open alert with {all: true}', async () => {
    await overBudget('bot')
    expect(await ack({ all: true })).toMatchObject({
      status: 200,
      body: { message: 'All alerts acknowledged' },
    })
    expect(await list()).toEqual([])
    expect((await list('?all=1')).every((a) => a.acknowledged)).toBe(true)
    // Nothing left open: still a success.
    expect(await ack({ all: true })).toMatchObject({
      status: 200,
      body: { message: 'All alerts acknowledged' },
    })
  })

  it('filters by environment and limits the page', async () => {
    await overBudget('bot')
    await overBudget('stage-bot', 'staging')
    expect(await list()).toHaveLength(6)
    expect((await list('?environment=staging')).map((a) => a.agent_name)).toEqual([
      'stage-bot',
      'stage-bot',
      'stage-bot',
    ])
    expect(await list('?limit=2')).toHaveLength(2)
    expect(await list('?all=false&environment=production&limit=200')).toHaveLength(3)
  })

  it('filters by agent and state', async () => {
    await overBudget('bot')
    await overBudget('other-bot')
    expect((await list('?agent=bot')).map((a) => a.agent_name)).toEqual(['bot', 'bot', 'bot'])
    expect(await list('?agent=nobody')).toEqual([])
    expect(await list('?state=firing')).toHaveLength(6)
    expect(await list('?state=firing&agent=other-bot&limit=2')).toHaveLength(2)
    // The control plane's alerts never resolve.
    expect(await list('?state=resolved&all=true')).toEqual([])
    for (const query of ['?state=open', '?agent=', `?agent=${'a'.repeat(257)}`]) {
      const res = await t.json('GET', `/api/v1/alerts${query}`, { key: read })
      expect(res.status, query).toBe(400)
      expect(res.body.code).toBe('invalid_query')
    }
    expect((await t.json('GET', '/api/v1/alerts?state=open', { key: read })).body.error).toMatch(
      /state: must be firing or resolved/,
    )
  })

  it('shows a rule’s alert with its rule, series and history, firing and then resolved', async () => {
    const start = Date.parse('2026-12-01T10:00:00.000Z')
    const step = (
      state: AlertUpsert['history'][number]['state'],
      minutes: number,
      value: number,
    ) => ({
      state,
      at: new Date(start + minutes * 60_000).toISOString(),
      severity: 'critical' as const,
      value,
      window: {
        from: new Date(start + (minutes - 15) * 60_000).toISOString(),
        to: new Date(start + minutes * 60_000).toISOString(),
      },
    })
    const series = JSON.stringify(['production', 'bot', null])
    const alert = {
      id: '0190a0a0-0000-7000-8000-000000000001',
      environment: 'production',
      agent_name: 'bot',
      alert_type: 'threshold',
      severity: 'critical' as const,
      message: 'Error rate spike: 60 % of 20 actions failed',
      metadata: { value: 0.6 },
      rule_id: 'error-rate-spike',
      series,
      created_at: start + 5 * 60_000,
    }
    const fired = [step('pending', 0, 0.55), step('firing', 5, 0.6)]
    // Through the store as an evaluation applies it (the evaluator is tested on its own).
    const apply = (change: AlertUpsert) =>
      t.store.alerts.apply('org-a', [
        {
          change: {
            rule_id: 'error-rate-spike',
            series,
            fromStep: 0,
            next: null,
            alert: change,
          },
          records: [],
        },
      ])
    await t.store.alerts.listRules('org-a')
    expect(
      await apply({
        ...alert,
        op: 'create',
        state: 'firing',
        history: fired,
        updated_at: alert.created_at,
        resolved_at: null,
      }),
    ).toBe(1)
    await overBudget('bot')
    const [firing] = await list('?state=firing&agent=bot&limit=200').then((a) =>
      a.filter((x) => x.rule_id !== null),
    )
    expect(firing).toMatchObject({
      id: alert.id,
      state: 'firing',
      rule_id: 'error-rate-spike',
      series,
      history: fired,
      resolved_at: null,
      created_at: '2026-12-01T10:05:00.000Z',
    })
    const resolvedAt = start + 20 * 60_000
    const history = [...fired, step('recovering', 10, 0.1), step('resolved', 20, 0.05)]
    await apply({
      ...alert,
      op: 'update',
      state: 'resolved',
      history,
      updated_at: resolvedAt,
      resolved_at: resolvedAt,
    })
    expect((await list('?state=firing')).map((a) => a.alert_type).sort()).toEqual([
      'budget_exceeded',
      'budget_warning',
      'policy_violation',
    ])
    const [resolved, ...none] = await list('?state=resolved')
    expect(none).toEqual([])
    expect(resolved).toMatchObject({
      id: alert.id,
      state: 'resolved',
      history,
      updated_at: '2026-12-01T10:20:00.000Z',
      resolved_at: '2026-12-01T10:20:00.000Z',
    })
    expect((await t.json('GET', `/api/v1/alerts/${alert.id}`, { key: read })).body).toEqual({
      alert: resolved,
    })
  })

  it('answers one alert by id with its history, acknowledged or not', async () => {
    await overBudget('bot')
    const [one] = await list()
    const res = await t.json('GET', `/api/v1/alerts/${one?.id}`, { key: read })
    expect(res).toMatchObject({ status: 200, body: { alert: one } })
    await ack({ id: one?.id })
    expect(
      (await t.json('GET', `/api/v1/alerts/${one?.id}`, { key: read })).body.alert,
    ).toMatchObject({
      id: one?.id,
      acknowledged: true,
      acknowledged_at: expect.any(String),
      history: [],
    })
    expect(await t.json('GET', '/api/v1/alerts/no-such-alert', { key: read })).toMatchObject({
      status: 404,
      body: { code: 'not_found', error: 'no alert with this id in your org' },
    })
    const other = await t.key('org-b', ['read'])
    expect((await t.json('GET', `/api/v1/alerts/${one?.id}`, { key: other })).status).toBe(404)
    expect((await t.json('GET', `/api/v1/alerts/${one?.id}`, { key: control.key })).status).toBe(
      403,
    )
  })

  it('refuses bad acknowledge bodies and bad queries', async () => {
    await overBudget('bot')
    for (const body of [{}, { all: false }]) {
      const res = await ack(body)
      expect(res.status).toBe(400)
      expect(res.body.error).toBe('Missing required field: id or all')
    }
    const [one] = await list()
    expect((await ack({ id: one?.id, all: true })).body.error).toBe(
      'send id (one alert) or all (every open one), not both',
    )
    expect((await ack({ id: 7 })).body.error).toBe('id: must be a string')
    expect((await ack({ all: 'yes' })).body.error).toBe('all: must be true or false')
    expect((await ack({ ids: ['x'] })).body.error).toBe(
      'body: unknown field ids; the fields are id, all',
    )
    expect((await ack([])).body.error).toBe('body: the body must be a JSON object')
    expect(
      (await t.json('POST', '/api/v1/alerts/acknowledge', { key: control.key, raw: '{' })).body
        .code,
    ).toBe('invalid_json')
    for (const query of ['?limit=0', '?limit=201', '?limit=ten', '?all=maybe']) {
      const res = await t.json('GET', `/api/v1/alerts${query}`, { key: read })
      expect(res.status, query).toBe(400)
      expect(res.body.code).toBe('invalid_query')
    }
    expect(await list()).toHaveLength(3)
  })

  it('keeps orgs apart and needs read to list and control to acknowledge', async () => {
    await overBudget('bot')
    const [one] = await list()
    const other = await t.key('org-b', ['admin'])
    expect((await t.json('GET', '/api/v1/alerts?all=true', { key: other })).body).toEqual({
      alerts: [],
    })
    expect((await ack({ id: one?.id }, other)).status).toBe(404)
    expect((await ack({ all: true }, other)).status).toBe(200)
    expect(await list()).toHaveLength(3)
    expect((await ack({ all: true }, read)).status).toBe(403)
    expect((await t.json('GET', '/api/v1/alerts', { key: control.key })).status).toBe(403)
    expect((await t.json('GET', '/api/v1/alerts', {})).status).toBe(401)
    expect(await list()).toHaveLength(3)
  })

  it('records acknowledgements in the trail by the key that made them', async () => {
    await overBudget('bot')
    const [one] = await list()
    await ack({ id: one?.id })
    await ack({ all: true })
    await ack({ all: true }) // nothing left: no record
    const events = (
      await t.json('GET', `/api/v1/events?kind=audit&user=${control.id}`, { key: t.adminKey })
    ).body.events
    expect(
      events
        .filter((e: { action: string }) => e.action === 'alert.acknowledged')
        .map((e: { metadata: unknown }) => e.metadata),
    ).toEqual([
      { all: true, count: 2, key: { id: control.id, name: 'ops' } },
      { id: one?.id, key: { id: control.id, name: 'ops' } },
    ])
  })
})
