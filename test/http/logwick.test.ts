import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DIALECTS, createTestApp } from '../helpers/test-app.js'
import type { TestApp } from '../helpers/test-app.js'

/** The examples of shared/reference/000 (Logwick), sent as written with the host changed. */
describe.each(DIALECTS)('Logwick REST API (%s)', (dialect) => {
  let t: TestApp
  let key: string
  beforeEach(async () => {
    t = await createTestApp({}, dialect)
    key = await t.key('org-a', ['ingest', 'read'], 'sk-lw-')
  })
  afterEach(() => t.close())

  const example = {
    agent: 'gpt-4o',
    action: 'email_draft',
    status: 'success',
    input: 'Draft a follow-up email',
    output: 'Subject: Following up...',
    tokens: 312,
    latency_ms: 1842,
    user: 'customer@acme.com',
  }
  const post = (body: unknown, k = key) => t.json('POST', '/api/v1/logs', { key: k, body })

  it('ingests the documented example and answers { id, timestamp, status: "ingested" }', async () => {
    expect(key.startsWith('sk-lw-')).toBe(true)
    const res = await post(example)
    expect(res.status).toBe(201)
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      timestamp: expect.any(String),
      status: 'ingested',
    })
    expect(Date.parse(res.body.timestamp)).toBeGreaterThan(Date.now() - 60_000)
    const stored = await t.json('GET', `/api/v1/events/${res.body.id}`, { key })
    expect(stored.body).toMatchObject({
      kind: 'llm_call',
      agent: 'gpt-4o',
      action: 'email_draft',
      status: 'success',
      input: 'Draft a follow-up email',
      output: 'Subject: Following up...',
      tokens_total: 312,
      duration_ms: 1842,
      user: 'customer@acme.com',
    })
  })

  it('applies the documented defaults and keeps cost, tags and metadata', async () => {
    const res = await post({
      agent: 'claude-3-5-sonnet',
      action: 'review',
      cost_usd: 0.0042,
      tags: ['production', 'v2'],
      metadata: { ticket: 7 },
    })
    const [log] = (await t.json('GET', '/api/v1/logs', { key })).body.logs
    expect(log).toEqual({
      id: res.body.id,
      timestamp: res.body.timestamp,
      agent: 'claude-3-5-sonnet',
      action: 'review',
      status: 'success',
      input: null,
      output: null,
      user: null,
      tokens: null,
      latency_ms: null,
      cost_usd: 0.0042,
      tags: ['production', 'v2'],
      metadata: { ticket: 7 },
      environment: 'production',
    })
  })

  it('queries by status, agent and search, pages, and exports CSV, as in the curl examples', async () => {
    await post(example)
    await post({
      ...example,
      status: 'error',
      agent: 'gpt-4o-mini',
      action: 'summarize',
      input: 'Summarize the report',
    })
    await post({ ...example, status: 'pending', action: 'classify', input: 'Classify this ticket' })
    const all = await t.json('GET', '/api/v1/logs', { key })
    expect(all.status).toBe(200)
    expect(all.body.logs).toHaveLength(3)
    expect(all.body.total).toBe(3)
    expect(
      (await t.json('GET', '/api/v1/logs?status=error', { key })).body.logs.map(
        (l: { action: string }) => l.action,
      ),
    ).toEqual(['summarize'])
    expect((await t.json('GET', '/api/v1/logs?agent=gpt-4o', { key })).body.total).toBe(2)
    expect(
      (await t.json('GET', '/api/v1/logs?search=email', { key })).body.logs.map(
        (l: { action: string }) => l.action,
      ),
    ).toEqual(['email_draft'])
    const page1 = await t.json('GET', '/api/v1/logs?limit=2', { key })
    expect(page1.body.logs).toHaveLength(2)
    const page2 = await t.json('GET', `/api/v1/logs?limit=2&cursor=${page1.body.next_cursor}`, {
      key,
    })
    expect(page2.body.logs).toHaveLength(1)
    expect(page2.body.next_cursor).toBeNull()
    expect((await t.json('GET', '/api/v1/logs?limit=2&offset=2', { key })).body.logs[0].id).toBe(
      page2.body.logs[0].id,
    )
    const csv = await t.request('GET', '/api/v1/logs?format=csv', { key })
    expect(csv.headers.get('content-type')).toContain('text/csv')
    const lines = (await csv.text()).trim().split('\r\n')
    expect(lines[0]).toBe(
      'id,timestamp,agent,action,status,user,tokens,latency_ms,cost_usd,tags,input,output,environment',
    )
    expect(lines).toHaveLength(4)
    expect(
      lines.some((l) => l.includes(',gpt-4o-mini,summarize,error,customer@acme.com,312,1842,')),
    ).toBe(true)
  })

  it('answers GET /api/v1/stats?days=30 with exactly the documented fields, next to the native ones', async () => {
    for (let i = 0; i < 9; i++)
      await post({ ...example, tokens: 100, latency_ms: 1000 + i * 100, cost_usd: 0.5 })
    await post({ ...example, status: 'error', tokens: 21, latency_ms: 100, cost_usd: 0.27 })
    const res = await t.json('GET', '/api/v1/stats?days=30', { key })
    expect(res.status).toBe(200)
    const documented = [
      'total',
      'success',
      'error',
      'success_rate',
      'error_rate',
      'avg_latency',
      'total_tokens',
      'total_cost',
      'period_days',
    ]
    const picked = Object.fromEntries(documented.map((k) => [k, res.body[k]]))
    expect(picked).toEqual({
      total: 10,
      success: 9,
      error: 1,
      success_rate: 90,
      error_rate: 10,
      avg_latency: 1270,
      total_tokens: 921,
      total_cost: 4.77,
      period_days: 30,
    })
    expect(res.body.totals.events).toBe(10)
  })

  it('names the missing or bad field in Logwick’s own terms', async () => {
    const missing = await post({ status: 'success' })
    expect(missing.status).toBe(400)
    expect(missing.body).toMatchObject({
      code: 'validation_failed',
      error: 'agent and action are required',
    })
    expect((await post({ agent: 'x' })).body.details).toEqual([
      { path: 'action', message: 'is required' },
    ])
    const bad = await post({ agent: 'x', action: 'y', tokens: -3 })
    expect(bad.status).toBe(400)
    expect(bad.body.details[0].path).toBe('tokens')
    expect(bad.body.error).toMatch(/^tokens: /)
    expect((await post({ agent: 'x', action: 'y', latency_ms: 'slow' })).body.details[0].path).toBe(
      'latency_ms',
    )
    expect((await post({ agent: 'x', action: 'y', status: 'exploded' })).status).toBe(400)
    expect((await post({ agent: 'x', action: 'y', tags: 'one' })).status).toBe(400)
    expect((await t.json('POST', '/api/v1/logs', { key, raw: 'not json' })).body.code).toBe(
      'invalid_json',
    )
    expect((await post(example, 'sk-lw-your-key')).status).toBe(401)
    expect((await t.json('GET', '/api/v1/logs?status=maybe', { key })).status).toBe(400)
    expect((await t.json('GET', '/api/v1/logs?limit=0', { key })).status).toBe(400)
    expect((await t.json('GET', '/api/v1/logs?cursor=zzz', { key })).status).toBe(400)
    expect((await t.json('GET', '/api/v1/logs?format=xml', { key })).status).toBe(400)
    expect(
      (await t.json('GET', '/api/v1/logs?from=2026-02-01&to=2026-01-01', { key })).status,
    ).toBe(400)
    expect((await t.json('GET', '/api/v1/logs', { key })).body.total).toBe(0)
  })

  it('redacts secrets in a Logwick log before it is written', async () => {
    const res = await post({
      ...example,
      input: 'use OPENAI_API_KEY=sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123 please',
      metadata: { password: 'hunter2' },
    })
    const [log] = (await t.json('GET', '/api/v1/logs', { key })).body.logs
    expect(log.id).toBe(res.body.id)
    expect(log.input).toBe('use OPENAI_API_KEY=[REDACTED] please')
    expect(log.metadata.password).toBe('[REDACTED]')
  })

  it('keeps another org’s logs out of sight', async () => {
    await post(example)
    const other = await t.key('org-b', ['read'], 'sk-lw-')
    expect((await t.json('GET', '/api/v1/logs', { key: other })).body.total).toBe(0)
  })
})
