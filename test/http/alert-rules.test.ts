import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createApiKey } from '@agenttrail/server'
import { DIALECTS, createTestApp } from '../helpers/test-app.js'
import type { TestApp } from '../helpers/test-app.js'

/** The built-in rules, listed first by id. */
const BUILTIN_IDS = [
  'anomaly-actions-per-hour',
  'anomaly-cost-per-action',
  'anomaly-denied-rate',
  'anomaly-duration',
  'anomaly-error-rate',
  'anomaly-new-service',
  'error-rate-spike',
]

describe.each(DIALECTS)('alert rules (%s)', (dialect) => {
  let t: TestApp
  let control: { key: string; id: string }
  let read: string
  beforeEach(async () => {
    t = await createTestApp({}, dialect)
    control = await createApiKey(t.store.keys, { orgId: 'org-a', name: 'ops', scopes: ['control'] })
    read = await t.key('org-a', ['read'])
  })
  afterEach(() => t.close())

  const list = async (key = read) => {
    const res = await t.json('GET', '/api/v1/alert-rules', { key })
    expect(res.status).toBe(200)
    return res.body.rules as Array<Record<string, unknown> & { id: string }>
  }
  const create = (body: unknown, key = control.key) =>
    t.json('POST', '/api/v1/alert-rules', { key, body })
  const get = (id: string, key = read) => t.json('GET', `/api/v1/alert-rules/${id}`, { key })
  const patch = (id: string, body: unknown, key = control.key) =>
    t.json('PATCH', `/api/v1/alert-rules/${id}`, { key, body })
  const remove = (id: string, key = control.key) =>
    t.json('DELETE', `/api/v1/alert-rules/${id}`, { key })
  const audits = async (action: string) =>
    (
      await t.json('GET', `/api/v1/events?kind=audit&user=${control.id}`, { key: t.adminKey })
    ).body.events
      .filter((e: { action: string }) => e.action === action)
      .map((e: { metadata: Record<string, unknown> }) => e.metadata)

  it('gives a fresh org the built-in rules, each readable by id', async () => {
    const rules = await list()
    expect(rules.map((r) => r.id)).toEqual(BUILTIN_IDS)
    expect(rules.every((r) => r.builtin === true && r.enabled === true)).toBe(true)
    const spike = rules.find((r) => r.id === 'error-rate-spike')
    expect(spike).toMatchObject({
      type: 'threshold',
      metric: 'error_rate',
      group_by: 'agent',
      window_minutes: 15,
      operator: 'above',
      warning: 0.25,
      alert: 0.5,
      min_actions: 10,
      scope: { environment: null, agent: null, service: null },
    })
    expect((await get('anomaly-duration')).body.rule).toMatchObject({
      id: 'anomaly-duration',
      type: 'anomaly',
      metric: 'duration',
      builtin: true,
    })
  })

  it('creates a threshold rule with the defaults filled in, after the built-in ones', async () => {
    const res = await create({ name: 'Errors', metric: 'error_rate', alert: 0.3 })
    expect(res.status).toBe(201)
    const rule = res.body.rule
    expect(rule).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      type: 'threshold',
      name: 'Errors',
      metric: 'error_rate',
      enabled: true,
      builtin: false,
      scope: { environment: null, agent: null, service: null },
      group_by: 'agent',
      window_minutes: 60,
      operator: 'above',
      warning: null,
      alert: 0.3,
      min_actions: 10,
      no_data: 'zero',
      created_at: expect.any(String),
      updated_at: rule.created_at,
    })
    const cost = await create({
      name: 'Cheap',
      metric: 'cost',
      scope: { environment: 'staging', service: 'openai' },
      group_by: 'none',
      window_minutes: 1440,
      operator: 'below',
      warning: 5,
      alert: 1,
      no_data: 'alert',
      enabled: false,
    })
    expect(cost.status).toBe(201)
    expect(cost.body.rule).toMatchObject({
      scope: { environment: 'staging', agent: null, service: 'openai' },
      group_by: 'none',
      operator: 'below',
      warning: 5,
      alert: 1,
      min_actions: 0,
      no_data: 'alert',
      enabled: false,
    })
    expect((await list()).map((r) => r.id)).toEqual([...BUILTIN_IDS, rule.id, cost.body.rule.id])
    expect((await get(rule.id)).body).toEqual({ rule })
    expect(await audits('alert_rule.created')).toEqual([
      { rule: cost.body.rule, key: { id: control.id, name: 'ops' } },
      { rule, key: { id: control.id, name: 'ops' } },
    ])
  })

  it('refuses each kind of bad rule with a 400 naming the field', async () => {
    const ok = { name: 'r', metric: 'error_rate', alert: 0.5 }
    const cases: Array<[unknown, string]> = [
      [{ ...ok, alert: 1.5 }, 'alert: error_rate is a fraction: must be at most 1 (0.25 is 25 %)'],
      [
        { ...ok, metric: 'denied_rate', warning: 2, alert: 0.5 },
        'warning: denied_rate is a fraction: must be at most 1 (0.25 is 25 %)',
      ],
      [{ ...ok, metric: 'actions', alert: -1 }, 'alert: must be at least 0'],
      [{ ...ok, metric: 'cost', warning: -0.5, alert: 1 }, 'warning: must be at least 0'],
      [{ ...ok, warning: 0.5 }, 'warning: must be below alert when operator is above'],
      [
        { ...ok, operator: 'below', warning: 0.4 },
        'warning: must be above alert when operator is below',
      ],
      [
        { ...ok, metric: 'latency_p95', alert: 2000, scope: { service: 'stripe' } },
        'scope.service: latency_p95 cannot be scoped to a service: latency is rolled up per agent, not per service',
      ],
      [{ ...ok, name: '' }, 'name: must not be empty'],
      [{ ...ok, name: 'x'.repeat(201) }, 'name: must be at most 200 characters'],
      [
        { ...ok, metric: 'p99' },
        'metric: must be one of error_rate, actions, cost, latency_p95, denied_rate',
      ],
      [{ ...ok, window_minutes: 4 }, 'window_minutes: must be at least 5'],
      [{ ...ok, window_minutes: 1441 }, 'window_minutes: must be at most 1440'],
      [{ ...ok, window_minutes: 7.5 }, 'window_minutes: must be a whole number'],
      [{ ...ok, alert: '0.5' }, 'alert: must be a number'],
      [{ ...ok, group_by: 'service' }, 'group_by: must be one of agent, none'],
      [{ ...ok, no_data: 'never' }, 'no_data: must be one of zero, ok, keep, alert'],
      [{ ...ok, min_actions: -1 }, 'min_actions: must be at least 0'],
      [
        { ...ok, scope: { environment: '' } },
        'scope.environment: must not be empty; send null for all',
      ],
    ]
    for (const [body, error] of cases) {
      const res = await create(body)
      expect(res.status, error).toBe(400)
      expect(res.body, error).toMatchObject({ code: 'validation_failed', error })
    }
    const unknown = await create({ ...ok, threshold: 3 })
    expect(unknown.status).toBe(400)
    expect(unknown.body.error).toMatch(
      /^body: unknown field threshold; the fields are name, metric/,
    )
    expect((await create({ ...ok, scope: { team: 'x' } })).body.error).toMatch(
      /^scope: unknown field team; the fields are environment, agent, service/,
    )
    const missing = await create({ name: 'r', metric: 'error_rate' })
    expect(missing.status).toBe(400)
    expect(missing.body.details).toEqual([{ path: 'alert', message: expect.any(String) }])
    expect((await create({ ...ok, id: 'mine', builtin: true })).status).toBe(400)
    expect((await list()).map((r) => r.id)).toEqual(BUILTIN_IDS)
  })

  it('allows 100 rules of the org’s own, then answers 409 limit_reached', async () => {
    const at = new Date().toISOString()
    for (let i = 0; i < 100; i++)
      await t.store.alerts.createRule('org-a', {
        id: `r-${i}`,
        type: 'threshold',
        name: `rule ${i}`,
        metric: 'actions',
        enabled: true,
        builtin: false,
        scope: { environment: null, agent: null, service: null },
        group_by: 'agent',
        window_minutes: 60,
        operator: 'above',
        warning: null,
        alert: 100,
        min_actions: 0,
        no_data: 'zero',
        created_at: at,
        updated_at: at,
      })
    const full = await create({ name: 'one more', metric: 'actions', alert: 5 })
    expect(full.status).toBe(409)
    expect(full.body).toMatchObject({
      code: 'limit_reached',
      error: 'an org may have at most 100 alert rules of its own; delete one first',
    })
    expect((await remove('r-0')).body).toEqual({ deleted: true })
    expect((await create({ name: 'one more', metric: 'actions', alert: 5 })).status).toBe(201)
    // The built-in rules do not count, and other orgs have their own allowance.
    const other = await t.key('org-b', ['control'])
    expect((await create({ name: 'b', metric: 'actions', alert: 5 }, other)).status).toBe(201)
  })

  it('changes a built-in threshold rule, validated as a whole, and GET shows the change', async () => {
    const before = (await get('error-rate-spike')).body.rule
    const res = await patch('error-rate-spike', {
      alert: 0.6,
      window_minutes: 30,
      scope: { environment: 'production' },
    })
    expect(res.status).toBe(200)
    expect(res.body.rule).toMatchObject({
      id: 'error-rate-spike',
      builtin: true,
      alert: 0.6,
      warning: 0.25,
      window_minutes: 30,
      scope: { environment: 'production', agent: null, service: null },
      created_at: before.created_at,
    })
    expect(Date.parse(res.body.rule.updated_at)).toBeGreaterThanOrEqual(
      Date.parse(before.updated_at),
    )
    expect((await get('error-rate-spike')).body.rule).toEqual(res.body.rule)
    // The stored warning is checked against the new alert, and the other way round.
    expect((await patch('error-rate-spike', { warning: 0.7 })).body.error).toBe(
      'warning: must be below alert when operator is above',
    )
    expect((await patch('error-rate-spike', { alert: 0.2 })).body.error).toBe(
      'warning: must be below alert when operator is above',
    )
    expect((await patch('error-rate-spike', { alert: 2 })).body.error).toBe(
      'alert: error_rate is a fraction: must be at most 1 (0.25 is 25 %)',
    )
    // A metric change keeps the other fields, so a rate's thresholds may then be counts.
    expect(
      (await patch('error-rate-spike', { metric: 'actions', alert: 500 })).body.rule,
    ).toMatchObject({
      metric: 'actions',
      alert: 500,
      warning: 0.25,
    })
    const [updated] = await audits('alert_rule.updated')
    expect(updated).toMatchObject({
      rule: { id: 'error-rate-spike', metric: 'actions', alert: 500 },
      changed: { metric: { from: 'error_rate', to: 'actions' }, alert: { from: 0.6, to: 500 } },
      key: { id: control.id, name: 'ops' },
    })
  })

  it('lets an anomaly rule change only its name, enabled flag and agent or environment scope', async () => {
    const res = await patch('anomaly-cost-per-action', {
      name: 'Costly actions',
      enabled: false,
      scope: { agent: 'bot' },
    })
    expect(res.status).toBe(200)
    expect(res.body.rule).toMatchObject({
      id: 'anomaly-cost-per-action',
      type: 'anomaly',
      name: 'Costly actions',
      enabled: false,
      scope: { environment: null, agent: 'bot', service: null },
    })
    expect((await get('anomaly-cost-per-action')).body.rule).toEqual(res.body.rule)
    for (const body of [{ alert: 3 }, { name: 'x', window_minutes: 30 }, { metric: 'cost' }]) {
      const bad = await patch('anomaly-cost-per-action', body)
      expect(bad.status).toBe(400)
      expect(bad.body.error).toMatch(
        /: an anomaly rule takes only name, enabled and scope \(environment, agent\); not /,
      )
    }
    expect(
      (await patch('anomaly-cost-per-action', { scope: { service: 'stripe' } })).body.error,
    ).toBe('scope.service: an anomaly rule watches agents; it takes no service scope')
    // null clears a scope field.
    expect(
      (await patch('anomaly-cost-per-action', { scope: { agent: null } })).body.rule.scope,
    ).toEqual({ environment: null, agent: null, service: null })
  })

  it('refuses a change that sends nothing, unknown fields, and a latency rule scoped to a service', async () => {
    const own = (
      await create({ name: 'slow', metric: 'cost', alert: 3, scope: { service: 'openai' } })
    ).body.rule
    const empty = await patch(own.id, {})
    expect(empty.status).toBe(400)
    expect(empty.body.error).toMatch(/^body: send at least one of name, enabled, scope, metric/)
    for (const field of ['id', 'type', 'builtin']) {
      const res = await patch(own.id, { [field]: 'x' })
      expect(res.status, field).toBe(400)
      expect(res.body.error).toMatch(new RegExp(`^body: unknown field ${field};`))
    }
    expect((await patch(own.id, { metric: 'latency_p95' })).body.error).toBe(
      'scope.service: latency_p95 cannot be scoped to a service: latency is rolled up per agent, not per service',
    )
    expect(
      (await patch(own.id, { metric: 'latency_p95', scope: { service: null } })).body.rule,
    ).toMatchObject({ metric: 'latency_p95', scope: { service: null } })
    // The same values again: answered, nothing recorded.
    const same = await patch(own.id, { alert: 3 })
    expect(same.status).toBe(200)
    expect(await audits('alert_rule.updated')).toHaveLength(1)
  })

  it('deletes rules of the org’s own, never built-in ones', async () => {
    for (const id of ['error-rate-spike', 'anomaly-new-service']) {
      const res = await remove(id)
      expect(res.status).toBe(409)
      expect(res.body).toEqual({
        code: 'builtin_rule',
        error: 'built-in rules cannot be deleted; disable them with PATCH {enabled:false}',
      })
    }
    const own = (await create({ name: 'gone', metric: 'actions', alert: 9 })).body.rule
    expect(await remove(own.id)).toMatchObject({ status: 200, body: { deleted: true } })
    expect((await get(own.id)).status).toBe(404)
    expect((await remove(own.id)).status).toBe(404)
    expect((await list()).map((r) => r.id)).toEqual(BUILTIN_IDS)
    expect(await audits('alert_rule.deleted')).toEqual([
      { rule: own, key: { id: control.id, name: 'ops' } },
    ])
  })

  it('keeps orgs apart: another org’s rule is not found', async () => {
    const own = (await create({ name: 'mine', metric: 'actions', alert: 9 })).body.rule
    const other = await t.key('org-b', ['admin'])
    expect((await list(other)).map((r) => r.id)).toEqual(BUILTIN_IDS)
    expect(await get(own.id, other)).toMatchObject({
      status: 404,
      body: { code: 'not_found', error: 'no alert rule with this id in your org' },
    })
    expect((await patch(own.id, { name: 'theirs' }, other)).status).toBe(404)
    expect((await remove(own.id, other)).status).toBe(404)
    // Changing a built-in rule in one org leaves the other's as it was.
    await patch('error-rate-spike', { enabled: false }, other)
    expect((await get('error-rate-spike')).body.rule.enabled).toBe(true)
    expect((await get(own.id)).body.rule.name).toBe('mine')
    expect((await get('no-such-rule')).status).toBe(404)
    expect((await patch('no-such-rule', { name: 'x' })).status).toBe(404)
  })

  it('needs read to list and control to create, change or delete', async () => {
    const own = (await create({ name: 'mine', metric: 'actions', alert: 9 })).body.rule
    expect((await create({ name: 'x', metric: 'actions', alert: 1 }, read)).status).toBe(403)
    expect((await patch(own.id, { name: 'x' }, read)).status).toBe(403)
    expect((await patch('error-rate-spike', { enabled: false }, read)).status).toBe(403)
    expect((await remove(own.id, read)).status).toBe(403)
    expect((await t.json('GET', '/api/v1/alert-rules', { key: control.key })).status).toBe(403)
    expect((await t.json('GET', '/api/v1/alert-rules', {})).status).toBe(401)
    expect((await get(own.id)).body.rule).toEqual(own)
    expect((await get('error-rate-spike')).body.rule.enabled).toBe(true)
  })
})
