import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DIALECTS, createTestApp } from '../helpers/test-app.js'
import type { TestApp } from '../helpers/test-app.js'

/** The examples of shared/reference/004 (AgentLedger) and agentledger-wire.md, sent as written. */
describe.each(DIALECTS)('AgentLedger data plane (%s)', (dialect) => {
  let t: TestApp
  let key: string
  beforeEach(async () => {
    t = await createTestApp({}, dialect)
    key = await t.key('org-a', ['ingest', 'read'], 'al_')
  })
  afterEach(() => t.close())

  const logAction = (body: unknown, k = key) => t.json('POST', '/api/v1/actions', { key: k, body })

  it('logs the documented example action and lists it in the ActionLog shape', async () => {
    const res = await logAction({
      agent: 'support-bot',
      service: 'slack',
      action: 'send_message',
      status: 'success',
      cost_cents: 0,
      duration_ms: 150,
      metadata: { channel: '#support' },
    })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ logged: true, id: expect.stringMatching(/^[0-9a-f-]{36}$/) })
    const list = await t.json('GET', '/api/v1/actions', { key })
    expect(list.status).toBe(200)
    expect(list.body.total).toBe(1)
    expect(list.body.nextCursor).toBeUndefined()
    expect(list.body.actions[0]).toEqual({
      id: res.body.id,
      org_id: 'org-a',
      agent_name: 'support-bot',
      service: 'slack',
      action: 'send_message',
      status: 'success',
      estimated_cost_cents: 0,
      duration_ms: 150,
      request_meta: { channel: '#support' },
      trace_id: null,
      input: null,
      output: null,
      environment: 'production',
      created_at: expect.any(String),
    })
  })

  it('keeps trace_id, environment, input, output, metadata and fractional cents', async () => {
    const res = await logAction({
      agent: 'a',
      service: 'openai',
      action: 'summarize',
      status: 'error',
      cost_cents: 2.5,
      duration_ms: 40,
      trace_id: 'tr_lq8k2m1_a7f3b9x2',
      environment: 'staging',
      input: { prompt: 'hi' },
      output: { error: 'boom' },
      metadata: { k: 1 },
    })
    const one = await t.json('GET', '/api/v1/actions?environment=staging', { key })
    expect(one.body.actions).toHaveLength(1)
    expect(one.body.actions[0]).toMatchObject({
      id: res.body.id,
      status: 'error',
      estimated_cost_cents: 2.5,
      trace_id: 'tr_lq8k2m1_a7f3b9x2',
      environment: 'staging',
      input: { prompt: 'hi' },
      output: { error: 'boom' },
      request_meta: { k: 1 },
    })
    expect(
      (await t.json('GET', '/api/v1/actions?environment=production', { key })).body.total,
    ).toBe(0)
    const event = await t.json('GET', `/api/v1/events/${res.body.id}`, { key })
    expect(event.body).toMatchObject({
      kind: 'action',
      cost_usd: 0.025,
      duration_ms: 40,
      status: 'error',
    })
  })

  it('accepts what AgentLedger accepted, without losing anything: unknown status words, long names, large payloads', async () => {
    const res = await logAction({
      agent: `bot\u0007-${'n'.repeat(400)}`,
      service: 's',
      action: 'x',
      status: 'timeout',
      metadata: { blob: 'm'.repeat(70_000) },
      input: { blob: 'i'.repeat(300_000) },
    })
    expect(res.status).toBe(200)
    const [row] = (await t.json('GET', '/api/v1/actions', { key })).body.actions
    expect(row.status).toBe('success')
    expect(row.agent_name).toBe(`bot-${'n'.repeat(252)}`)
    expect(row.request_meta).toMatchObject({
      _truncated: true,
      original_status: 'timeout',
      truncated_fields: ['metadata', 'agent', 'input'],
    })
    expect(row.input).toMatchObject({
      _truncated: true,
      _originalSize: JSON.stringify({ blob: 'i'.repeat(300_000) }).length,
      _preview: expect.stringMatching(/^\{"blob":"iii/),
    })
  })

  it('answers the documented errors', async () => {
    expect(
      await t.json('POST', '/api/v1/actions', {
        key: 'al_not_a_key',
        body: { agent: 'a', service: 's', action: 'x' },
      }),
    ).toMatchObject({
      status: 401,
      body: { error: 'Invalid API key' },
    })
    expect((await t.json('POST', '/api/v1/actions', { body: { agent: 'a' } })).status).toBe(401)
    for (const body of [
      { agent: 'a', service: 's' },
      { agent: '', service: 's', action: 'x' },
      [],
      'x',
    ])
      expect(await logAction(body)).toMatchObject({
        status: 400,
        body: { error: 'Missing required fields: agent, service, action' },
      })
    const bad = await logAction({
      agent: 'a',
      service: 's',
      action: 'x',
      cost_cents: -1,
      duration_ms: 'slow',
      status: 7,
      metadata: [1],
    })
    expect(bad.status).toBe(400)
    expect(bad.body.error).toContain('cost_cents must be a number')
    expect(bad.body.error).toContain('duration_ms must be a number')
    expect(bad.body.error).toContain('status must be a string')
    expect(bad.body.error).toContain('metadata must be an object')
    expect((await t.json('POST', '/api/v1/actions', { key, raw: '{"agent":' })).body).toMatchObject(
      { code: 'invalid_json' },
    )
    const reader = await t.key('org-a', ['read'], 'al_')
    expect((await logAction({ agent: 'a', service: 's', action: 'x' }, reader)).status).toBe(403)
    expect((await t.json('GET', '/api/v1/actions', { key })).body.total).toBe(0)
  })

  it('answers the monthly plan limit with 429 and the usage, as AgentLedger does', async () => {
    await t.setPlan({ logs_per_month: 2 })
    expect((await logAction({ agent: 'a', service: 's', action: 'x' })).status).toBe(200)
    expect((await logAction({ agent: 'a', service: 's', action: 'x' })).status).toBe(200)
    const over = await logAction({ agent: 'a', service: 's', action: 'x' })
    expect(over.status).toBe(429)
    expect(over.body).toMatchObject({
      error: 'Monthly action limit reached (2/2)',
      usage: { actionsThisMonth: 2, actionsLimit: 2, percentUsed: 100 },
    })
    expect((await t.json('GET', '/api/v1/actions', { key })).body.total).toBe(2)
  })

  it('answers 429 with retryAfter when the key is over its rate', async () => {
    const limited = await createTestApp(
      { AGENTTRAIL_RATE_LIMIT_PER_SECOND: '1', AGENTTRAIL_RATE_LIMIT_BURST: '2' },
      dialect,
    )
    try {
      const k = await limited.key('org-a', ['ingest'], 'al_')
      const send = () =>
        limited.json('POST', '/api/v1/actions', {
          key: k,
          body: { agent: 'a', service: 's', action: 'x' },
        })
      await send()
      await send()
      const res = await send()
      expect(res.status).toBe(429)
      expect(res.body).toMatchObject({
        error: 'Rate limit exceeded',
        retryAfter: expect.any(Number),
      })
      expect(Number(res.headers.get('retry-after'))).toBe(res.body.retryAfter)
    } finally {
      await limited.close()
    }
  })

  it('logs a batch, reports invalid items by index, and refuses empty or oversized batches', async () => {
    const res = await t.json('POST', '/api/v1/actions/batch', {
      key,
      body: {
        actions: [
          { agent: 'a', service: 's', action: 'one' },
          { agent: 'a' },
          { agent: 'a', service: 's', action: 'three', duration_ms: 'x' },
          { agent: 'b', service: 's', action: 'four', trace_id: 't1' },
        ],
      },
    })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      logged: true,
      count: 2,
      ids: [expect.any(String), expect.any(String)],
    })
    expect(res.body.errors).toEqual([
      { index: 1, errors: ['Missing required fields: agent, service, action'] },
      { index: 2, errors: ['duration_ms must be a number from 0 to 1000000000000'] },
    ])
    expect((await t.json('GET', '/api/v1/actions', { key })).body.total).toBe(2)
    expect(
      (await t.json('POST', '/api/v1/actions/batch', { key, body: { actions: [] } })).body.error,
    ).toBe('Missing or empty actions array')
    expect((await t.json('POST', '/api/v1/actions/batch', { key, body: {} })).status).toBe(400)
    const tooMany = Array.from({ length: 101 }, () => ({ agent: 'a', service: 's', action: 'x' }))
    expect(
      (await t.json('POST', '/api/v1/actions/batch', { key, body: { actions: tooMany } })).body
        .error,
    ).toBe('Maximum 100 actions per batch')
    const none = await t.json('POST', '/api/v1/actions/batch', {
      key,
      body: { actions: [{ agent: 'a' }] },
    })
    expect(none.status).toBe(400)
    expect(none.body.errors).toEqual([
      { index: 0, errors: ['Missing required fields: agent, service, action'] },
    ])
  })

  it('filters, searches action names, pages by offset and by cursor, and counts the total', async () => {
    const actions = Array.from({ length: 12 }, (_, i) => ({
      agent: i % 2 ? 'odd' : 'even',
      service: i % 3 ? 'stripe' : 'slack',
      action: i === 5 ? 'Send_Email' : `step_${i}`,
      status: i === 7 ? 'blocked' : 'success',
    }))
    for (const a of actions) await logAction(a)
    expect((await t.json('GET', '/api/v1/actions?agent=odd', { key })).body.total).toBe(6)
    expect(
      (await t.json('GET', '/api/v1/actions?service=slack&agent=even', { key })).body.total,
    ).toBe(2)
    const blocked = await t.json('GET', '/api/v1/actions?status=blocked', { key })
    expect(blocked.body.actions.map((a: { status: string }) => a.status)).toEqual(['blocked'])
    expect(
      (await t.json('GET', '/api/v1/actions?search=email', { key })).body.actions[0].action,
    ).toBe('Send_Email')
    expect((await t.json('GET', '/api/v1/actions?search=_', { key })).body.total).toBe(12)
    expect((await t.json('GET', '/api/v1/actions?search=%25', { key })).body.total).toBe(0)

    const seen: string[] = []
    let cursor: string | undefined
    do {
      const page = await t.json(
        'GET',
        `/api/v1/actions?limit=5${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { key },
      )
      expect(page.body.total).toBe(12)
      seen.push(...page.body.actions.map((a: { id: string }) => a.id))
      cursor = page.body.nextCursor
    } while (cursor)
    expect(new Set(seen).size).toBe(12)
    const byOffset = await t.json('GET', '/api/v1/actions?limit=5&offset=5', { key })
    expect(byOffset.body.actions.map((a: { id: string }) => a.id)).toEqual(seen.slice(5, 10))
    const times = seen.length
    expect(times).toBe(12)
  })

  it('refuses bad list parameters with AgentLedger’s messages', async () => {
    const get = (qs: string) => t.json('GET', `/api/v1/actions?${qs}`, { key })
    expect((await get('from=yesterday')).body.error).toBe(
      'Invalid "from" date. Must be ISO 8601 format.',
    )
    expect((await get('to=nope')).body.error).toBe('Invalid "to" date. Must be ISO 8601 format.')
    expect((await get('status=exploded')).status).toBe(400)
    expect((await get('cursor=bm90LWEtY3Vyc29y')).body.error).toMatch(/^Invalid cursor/)
    expect((await get('limit=0')).status).toBe(400)
    expect((await get('limit=abc')).status).toBe(400)
    expect((await get('offset=-1')).status).toBe(400)
    expect((await get('limit=500')).status).toBe(200)
  })

  it('returns a trace with real start and end times, parallel groups and a summary', async () => {
    const traceId = 'tr_lq8k2m1_a7f3b9x2'
    const batch = [
      {
        agent: 'research-bot',
        service: 'tavily',
        action: 'search',
        duration_ms: 1000,
        cost_cents: 2,
        trace_id: traceId,
      },
      {
        agent: 'research-bot',
        service: 'openai',
        action: 'summarize',
        duration_ms: 2450,
        cost_cents: 10,
        trace_id: traceId,
      },
      { agent: 'research-bot', service: 'other', action: 'noise', duration_ms: 5 },
    ]
    // One batch: the actions end together, so the short one started later and both overlap.
    expect(
      (await t.json('POST', '/api/v1/actions/batch', { key, body: { actions: batch } })).status,
    ).toBe(200)
    const res = await t.json('GET', `/api/v1/traces/${traceId}`, { key })
    expect(res.status).toBe(200)
    expect(res.body.traceId).toBe(traceId)
    expect(res.body.actions.map((a: { action: string }) => a.action)).toEqual([
      'summarize',
      'search',
    ])
    expect(res.body.actions[0].offsetMs).toBe(0)
    expect(res.body.actions[1].offsetMs).toBe(1450)
    expect(res.body.summary).toMatchObject({
      totalDuration: 3450,
      wallDuration: 2450,
      totalCost: 12,
      actionCount: 2,
      services: ['openai', 'tavily'],
      hasErrors: false,
      parallelGroups: [[0, 1]],
      parallelGroupCount: 1,
    })
    expect(await t.json('GET', '/api/v1/traces/tr_missing', { key })).toMatchObject({
      status: 404,
      body: { error: 'Trace not found' },
    })
    expect(
      (await t.json('GET', `/api/v1/traces/${traceId}?environment=staging`, { key })).status,
    ).toBe(404)
    const other = await t.key('org-b', ['read'], 'al_')
    expect((await t.json('GET', `/api/v1/traces/${traceId}`, { key: other })).status).toBe(404)
  })

  it('answers agent details with AgentLedger’s fields, per environment', async () => {
    await logAction({
      agent: 'billing-agent',
      service: 'stripe',
      action: 'charge',
      cost_cents: 150,
    })
    await logAction({
      agent: 'billing-agent',
      service: 'stripe',
      action: 'charge',
      cost_cents: 50,
      environment: 'staging',
    })
    const all = await t.json('GET', '/api/v1/agents/billing-agent', { key })
    expect(all.status).toBe(200)
    expect(all.body).toMatchObject({
      name: 'billing-agent',
      status: 'active',
      totalActions: 2,
      totalCostCents: 200,
      todayActions: 2,
      todayCostCents: 200,
    })
    expect(all.body.recentActions).toHaveLength(2)
    const staging = await t.json('GET', '/api/v1/agents/billing-agent?environment=staging', { key })
    expect(staging.body).toMatchObject({
      totalActions: 1,
      totalCostCents: 50,
      todayActions: 1,
      todayCostCents: 50,
    })
    expect(await t.json('GET', '/api/v1/agents/nobody', { key })).toMatchObject({
      status: 404,
      body: { error: 'Agent not found' },
    })
  })

  it('exports between two dates as JSON and as formula-safe CSV', async () => {
    await logAction({
      agent: 'a',
      service: 's',
      action: '=HYPERLINK("http://x")',
      cost_cents: 3,
      duration_ms: 7,
      trace_id: 't',
    })
    await logAction({ agent: 'b', service: 's', action: 'other', environment: 'staging' })
    const from = new Date(Date.now() - 3_600_000).toISOString()
    const to = new Date(Date.now() + 3_600_000).toISOString()
    const json = await t.json(
      'GET',
      `/api/v1/export?from=${from}&to=${to}&environment=production`,
      { key },
    )
    expect(json.status).toBe(200)
    expect(json.body.export).toMatchObject({ format: 'json', count: 1, from, to })
    expect(json.body.actions[0]).toMatchObject({ agent_name: 'a', estimated_cost_cents: 3 })
    const csv = await t.request('GET', `/api/v1/export?from=${from}&to=${to}&format=csv&agent=a`, {
      key,
    })
    expect(csv.headers.get('content-type')).toContain('text/csv')
    const lines = (await csv.text()).trim().split('\r\n')
    expect(lines[0]).toBe(
      'id,agent_name,service,action,status,estimated_cost_cents,duration_ms,trace_id,environment,created_at',
    )
    expect(lines).toHaveLength(2)
    expect(lines[1]).toContain(`,"'=HYPERLINK(""http://x"")",success,3,7,t,production,`)
    const limited = await t.json('GET', `/api/v1/export?from=${from}&to=${to}&limit=1`, { key })
    expect(limited.body.actions).toHaveLength(1)
    expect((await t.json('GET', '/api/v1/export', { key })).body.error).toBe(
      'Missing required parameters: from, to',
    )
    expect(
      (
        await t.json('GET', `/api/v1/export?from=2026-01-01T00:00:00Z&to=2026-06-01T00:00:00Z`, {
          key,
        })
      ).body.error,
    ).toBe('Date range cannot exceed 90 days')
    expect((await t.json('GET', `/api/v1/export?from=${to}&to=${from}`, { key })).status).toBe(400)
    expect(
      (await t.json('GET', `/api/v1/export?from=${from}&to=${to}&limit=10001`, { key })).status,
    ).toBe(400)
    expect(
      (await t.json('GET', `/api/v1/export?from=${from}&to=${to}&format=xml`, { key })).status,
    ).toBe(400)
  })

  it('counts the week’s cost over the last 7 UTC days, from the range or on its own', async () => {
    const day = 86_400_000
    const midnight = Math.floor(Date.now() / day) * day
    const events = [
      { ts: midnight - 6 * day + 1, cost_usd: 1 },
      { ts: midnight - 7 * day + 1, cost_usd: 10 },
      { ts: Date.now() - 1_000, cost_usd: 0.5 },
    ]
    expect(
      (await t.json('POST', '/api/v1/events/batch', { key: t.adminKey, body: { events } })).status,
    ).toBe(201)
    // days=30 reads the week from the range's daily series; days=2 and bucket=hour need a query of their own.
    for (const qs of ['days=30', 'days=2', 'days=30&bucket=hour'])
      expect((await t.json('GET', `/api/v1/stats?${qs}`, { key })).body.weekCostCents, qs).toBe(150)
  })

  it('carries the dashboard summary fields on /api/v1/stats, per environment', async () => {
    await logAction({ agent: 'a', service: 'slack', action: 'x', cost_cents: 100 })
    await logAction({ agent: 'b', service: 'stripe', action: 'y', status: 'blocked' })
    await logAction({
      agent: 'b',
      service: 'stripe',
      action: 'z',
      status: 'error',
      environment: 'staging',
    })
    const res = await t.json('GET', '/api/v1/stats?environment=production', { key })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      totalActions: 2,
      todayActions: 2,
      todayCostCents: 100,
      weekCostCents: 100,
      activeAgents: 2,
      totalAgents: 2,
      errorCount: 0,
      blockedCount: 1,
      serviceBreakdown: { slack: 1, stripe: 1 },
      agentBreakdown: { a: 1, b: 1 },
      alerts: [],
    })
    expect(res.body.hourlyData).toHaveLength(24)
    expect(res.body.hourlyData.at(-1)).toMatchObject({ actions: 2, cost: 1 })
    expect(res.body.agents.find((a: { name: string }) => a.name === 'a')).toMatchObject({
      total_actions: 1,
      total_cost_cents: 100,
      status: 'active',
    })
    const all = await t.json('GET', '/api/v1/stats', { key })
    expect(all.body.errorCount).toBe(1)
    // One agent name in two environments is two agents, each with its own counts.
    const b = all.body.agents.filter((a: { name: string }) => a.name === 'b')
    expect(
      b
        .map((a: { environment: string; total_actions: number }) => [
          a.environment,
          a.total_actions,
        ])
        .sort(),
    ).toEqual([
      ['production', 1],
      ['staging', 1],
    ])
  })

  it('creates, rotates and revokes keys with the documented bodies', async () => {
    const admin = await t.key('org-a', ['admin'], 'al_')
    const created = await t.json('POST', '/api/v1/keys/create', {
      key: admin,
      body: { name: 'production', description: 'Main production key' },
    })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({
      id: expect.any(String),
      key: expect.stringMatching(/^al_/),
      name: 'production',
    })
    const unnamed = await t.json('POST', '/api/v1/keys/create', { key: admin, body: {} })
    expect(unnamed.body.name).toBe('api key')
    const rotated = await t.json('POST', '/api/v1/keys/rotate', {
      key: admin,
      body: { keyId: created.body.id },
    })
    expect(rotated.body).toMatchObject({
      key: expect.stringMatching(/^al_/),
      name: 'production',
      rotatedFrom: created.body.id,
    })
    expect(
      (await logAction({ agent: 'a', service: 's', action: 'x' }, created.body.key)).status,
    ).toBe(401)
    expect(
      (
        await t.json('POST', '/api/v1/keys/revoke', {
          key: admin,
          body: { keyId: rotated.body.id },
        })
      ).body,
    ).toMatchObject({
      revoked: true,
    })
    expect((await t.json('POST', '/api/v1/keys/revoke', { key: admin, body: {} })).status).toBe(400)
    // An ingest key cannot mint keys: scopes are enforced.
    expect((await t.json('POST', '/api/v1/keys/create', { key, body: { name: 'x' } })).status).toBe(
      403,
    )
  })
})
