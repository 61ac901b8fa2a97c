import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS, createTestApp } from '../helpers/test-app.js'
import type { TestApp } from '../helpers/test-app.js'
import { appCall, callTool, connectInProcess } from './mcp-client.js'
import { seedTrail } from './mcp-seed.js'
import type { Seeded } from './mcp-seed.js'

describe.each(DIALECTS)('the MCP read tools on the real server (%s)', (dialect) => {
  let t: TestApp
  let seeded: Seeded
  let client: Client
  beforeAll(async () => {
    t = await createTestApp({}, dialect)
    const ingestKey = await t.key('org-a', ['ingest'])
    seeded = await seedTrail(appCall(t), t.adminKey, ingestKey)
    client = await connectInProcess(t, await t.key('org-a', ['read']), { scopes: ['read'] })
  })
  afterAll(async () => {
    await client?.close()
    await t.close()
  })

  it('searches the last 24 hours by default, newest first, in compact rows', async () => {
    const r = await callTool(client, 'search_events', { agent: 'mailer' })
    expect(r.isError).toBe(false)
    expect(r.structured.events.map((e: any) => e.id)).toEqual([seeded.long, seeded.failed])
    expect(Date.parse(r.structured.from)).toBeGreaterThan(Date.now() - 86_400_000 - 60_000)
    expect(r.structured.events[0]).not.toHaveProperty('input')
    expect(r.structured.events[0]).toMatchObject({
      agent: 'mailer',
      status: 'success',
      tokens_total: 312,
    })
    expect(r.text).toContain(`id=${seeded.failed}`)
    const week = await callTool(client, 'search_events', {
      agent: 'mailer',
      from: new Date(Date.now() - 7 * 86_400_000).toISOString(),
    })
    expect(week.structured.events.map((e: any) => e.id)).toContain(seeded.old)
  })

  it('pages with a cursor that keeps the first page’s window', async () => {
    const first = await callTool(client, 'search_events', { limit: 2 })
    expect(first.structured.events).toHaveLength(2)
    expect(first.text).toContain(first.structured.next_cursor)
    const second = await callTool(client, 'search_events', {
      limit: 2,
      cursor: first.structured.next_cursor,
    })
    expect(second.structured.from).toBe(first.structured.from)
    const seen = [...first.structured.events, ...second.structured.events].map((e: any) => e.id)
    expect(new Set(seen).size).toBe(seen.length)
    const bad = await callTool(client, 'search_events', { cursor: 'not-a-cursor' })
    expect(bad.isError).toBe(true)
    expect(bad.text).toMatch(/cursor is not a next_cursor/)
  })

  it('selects fields and cuts long values with a marker naming the call that has the rest', async () => {
    const r = await callTool(client, 'search_events', { q: 'Following', fields: ['id', 'input'] })
    const [row] = r.structured.events
    expect(Object.keys(row).sort()).toEqual(['id', 'input'])
    expect(row.input).toMatch(
      /^x{200}… \[truncated: 2803 of 3003 characters left out; call get_event with id/,
    )
    const full = await callTool(client, 'get_event', { id: seeded.long, max_chars: 5000 })
    expect(full.structured.event.input).toBe(`${'x'.repeat(3000)}END`)
    const cut = await callTool(client, 'get_event', { id: seeded.long })
    expect(cut.structured.event.input).toContain('[truncated: 2003 of 3003')
    expect(cut.text).toContain('[truncated: 2003 of 3003')
  })

  it('answers an unknown id as a tool error a person can act on', async () => {
    const r = await callTool(client, 'get_event', { id: 'no-such-event' })
    expect(r).toMatchObject({ isError: true, structured: undefined })
    expect(r.text).toMatch(/404 not_found.*check the id/i)
    const late = await callTool(client, 'search_events', { from: '2026-12-02', to: '2026-12-01' })
    expect(late.isError).toBe(true)
    expect(late.text).toMatch(
      /\(400 invalid_query\): from must be earlier than to\. Check the arguments/,
    )
  })

  it('answers bad arguments with the SDK’s input validation error', async () => {
    const r = await callTool(client, 'search_events', { limit: 5000, status: 'maybe' })
    expect(r.isError).toBe(true)
    expect(r.text).toMatch(/Input validation error: Invalid arguments for tool search_events/)
    expect(r.text).toMatch(/limit/)
    const missing = await callTool(client, 'get_event', {})
    expect(missing.isError).toBe(true)
    expect(missing.text).toMatch(/id/)
  })

  it('shows a trace oldest first and a conversation with one call in full', async () => {
    const trace = await callTool(client, 'get_trace', { trace_id: 'tr-mcp' })
    expect(trace.structured.events.map((e: any) => e.id)).toEqual([seeded.failed, seeded.long])
    expect(trace.structured.truncated).toBe(false)
    const list = await callTool(client, 'list_conversations', {})
    expect(list.structured.conversations[0]).toMatchObject({
      conversation_id: 'conv-mcp',
      subject: 'Find papers on audit trails',
    })
    const conv = await callTool(client, 'get_conversation', { conversation_id: 'conv-mcp' })
    expect(conv.structured.events.map((e: any) => e.id)).toEqual([seeded.llm, seeded.tool])
    const call = await callTool(client, 'get_call', { event_id: seeded.llm })
    expect(call.structured.conversation_id).toBe('conv-mcp')
    expect(call.structured.call.messages).toEqual([
      { role: 'user', content: 'Find papers on audit trails' },
    ])
    expect(call.text).toContain('Here are three papers.')
    const none = await callTool(client, 'get_call', { event_id: seeded.long })
    expect(none.isError).toBe(true)
  })

  it('answers Logwick’s query_logs, get_log and get_stats', async () => {
    const errors = await callTool(client, 'query_logs', { status: 'error' })
    expect(errors.structured.logs.map((l: any) => l.id)).toEqual([seeded.failed])
    expect(errors.structured.total).toBe(1)
    const found = await callTool(client, 'query_logs', { search: 'Following', limit: 5 })
    expect(found.structured.logs[0]).toMatchObject({
      id: seeded.long,
      action: 'email_draft',
      tokens: 312,
    })
    const log = await callTool(client, 'get_log', { id: seeded.long })
    expect(log.structured.log).toMatchObject({
      id: seeded.long,
      agent: 'mailer',
      status: 'success',
      tokens: 312,
      latency_ms: 1842,
      user: 'ana@example.com',
      output: 'Subject: Following up',
    })
    expect(log.structured.log.input).toContain('call get_log with id')
    const stats = await callTool(client, 'get_stats', { days: 7 })
    expect(stats.structured).toMatchObject({ period_days: 7, error: 1 })
    expect(stats.structured.total).toBeGreaterThanOrEqual(6)
    expect(stats.text).toMatch(/% success/)
  })

  it('breaks cost and tokens down by agent, model and day', async () => {
    const r = await callTool(client, 'cost_breakdown', { days: 7 })
    expect(r.structured.cost_usd).toBeCloseTo(0.062, 6)
    expect(r.structured.by_agent[0]).toMatchObject({ agent: 'researcher', cost_usd: 0.05 })
    expect(r.structured.by_model.map((m: any) => m.model)).toContain('gpt-4o')
    expect(r.structured.by_day.reduce((n: number, d: any) => n + d.cost_usd, 0)).toBeCloseTo(
      0.062,
      6,
    )
    expect(r.text).toMatch(/By agent:\n- researcher: \$0\.05/)
  })

  it('lists only days with activity in cost_breakdown, the most recent 90, and says how many were left out', async () => {
    const long = await callTool(client, 'cost_breakdown', { days: 3650 })
    expect(long.structured.by_day.length).toBeGreaterThan(0)
    expect(long.structured.by_day.every((d: any) => d.events > 0)).toBe(true)
    expect(long.structured.omitted_days).toBe(0)
    expect(JSON.stringify(long.structured).length).toBeLessThan(10_000)

    const day = 86_400_000
    const today = Math.floor(Date.now() / day) * day
    const events = Array.from({ length: 100 }, (_, i) => ({
      ts: today - (i + 1) * day + 3_600_000,
      agent: 'daily',
      cost_usd: 0.01,
    }))
    const ingestKey = await t.key('org-days', ['ingest'])
    const res = await t.json('POST', '/api/v1/events/batch', { key: ingestKey, body: { events } })
    expect(res.status).toBe(201)
    const reader = await connectInProcess(t, await t.key('org-days', ['read']), {
      scopes: ['read'],
    })
    try {
      const r = await callTool(reader, 'cost_breakdown', { days: 365 })
      expect(r.structured.events).toBe(100)
      expect(r.structured.by_day).toHaveLength(90)
      expect(r.structured.omitted_days).toBe(10)
      // The most recent days are kept, oldest first.
      expect(r.structured.by_day.at(-1).day).toBe(new Date(today - day).toISOString().slice(0, 10))
      expect(r.structured.by_day[0].day).toBe(new Date(today - 90 * day).toISOString().slice(0, 10))
      expect(r.text).toContain('10 earlier day(s) with activity left out')
    } finally {
      await reader.close()
    }
  })

  it('explains a denial from the event or from the agent, with its policy', async () => {
    const byAgent = await callTool(client, 'explain_decision', { agent: 'billing' })
    expect(byAgent.structured).toMatchObject({
      decision: 'denied',
      rule: 'service_blocklist',
      policy: { id: seeded.policyId, name: 'no payments' },
      budget: null,
    })
    expect(byAgent.structured.event.id).toBe(seeded.denied)
    expect(byAgent.text).toContain('was denied')
    expect(byAgent.text).toContain(`Policy ${seeded.policyId} "no payments"`)
    const byId = await callTool(client, 'explain_decision', { event_id: seeded.denied })
    expect(byId.structured.reason).toBe(byAgent.structured.reason)
    const clean = await callTool(client, 'explain_decision', { event_id: seeded.long })
    expect(clean.structured.decision).toBeNull()
    const neither = await callTool(client, 'explain_decision', {})
    expect(neither).toMatchObject({ isError: true })
    expect(neither.text).toMatch(/Give event_id, or agent/)
  })

  it('explains a budget refusal with the budget that made it', async () => {
    const call = appCall(t)
    const budget = await call('POST', '/api/v1/budgets', t.adminKey, {
      agent_name: 'spender',
      period: 'daily',
      max_actions: 1,
    })
    expect(budget.status).toBe(201)
    const check = () =>
      call('POST', '/api/v1/check', t.adminKey, { agent: 'spender', action: 'buy' })
    expect((await check()).body.allowed).toBe(true)
    expect((await check()).body.allowed).toBe(false)
    const r = await callTool(client, 'explain_decision', { agent: 'spender' })
    expect(r.structured).toMatchObject({
      decision: 'denied',
      rule: 'budget',
      reason: 'daily action budget exceeded (1/1)',
      policy: null,
      budget: { id: budget.body.id, period: 'daily', max_actions: 1 },
    })
    expect(r.text).toContain(`Budget ${String(budget.body.id)}: daily, max 1 actions`)
  })

  it('lists agents with their status, pending approvals and alerts', async () => {
    const agents = await callTool(client, 'agent_status', {})
    expect(agents.structured.agents.map((a: any) => a.name).sort()).toEqual(
      expect.arrayContaining(['billing', 'mailer', 'researcher']),
    )
    const mailer = await callTool(client, 'agent_status', { name: 'mailer' })
    expect(mailer.structured.agents).toEqual([
      expect.objectContaining({ name: 'mailer', status: 'active', events: 3, errors: 1 }),
    ])
    const pending = await callTool(client, 'list_pending_approvals', {})
    expect(pending.structured.approvals).toEqual([
      expect.objectContaining({
        id: seeded.approvalId,
        agent_name: 'treasurer',
        status: 'pending',
      }),
    ])
    expect(pending.text).toContain(seeded.approvalId)
    const alerts = await callTool(client, 'list_alerts', { all: true })
    expect(alerts.isError).toBe(false)
    expect(Array.isArray(alerts.structured.alerts)).toBe(true)
  })
})
