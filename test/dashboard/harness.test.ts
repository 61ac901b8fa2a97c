import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { collectProblems, screenshot, VIEWPORT } from '../helpers/browser.js'
import { callApi, seededBrowser } from '../helpers/dashboard-page.js'
import { HOSTILE_SCRIPT, seedDashboard } from '../helpers/dashboard-seed.js'

describe('the dashboard test harness', () => {
  const ctx = seededBrowser()
  const shots = mkdtempSync(join(tmpdir(), 'agenttrail-shots-'))

  afterAll(() => rmSync(shots, { recursive: true, force: true }))

  const get = async (path: string, key = ctx.seed.readKey) => {
    const res = await callApi(ctx.seed.url, key, 'GET', path)
    expect(res.status, path).toBe(200)
    return res.body
  }

  it('loads a page of the real server in Chromium at 1280x800 and screenshots it', async () => {
    const page = await ctx.browser.newPage(ctx.seed.url)
    const problems = collectProblems(page)
    const res = await page.goto('/api/openapi.json')
    expect(res?.status()).toBe(200)
    expect(page.viewportSize()).toEqual(VIEWPORT)
    expect(await page.locator('body').innerText()).toContain('"openapi"')
    const path = await screenshot(page, 'harness', shots)
    // A PNG: its eight-byte signature, then the IHDR chunk with width and height.
    const png = readFileSync(path)
    expect(png.subarray(0, 8)).toEqual(
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    )
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1280, 800])
    // Chromium asks for /favicon.ico after any page; without the dashboard built into the server
    // that is a 404, which the collector reports like any other failed load.
    expect(problems.all.filter((line) => !line.includes('/favicon.ico'))).toEqual([])
    await page.context().close()
  })

  it('reports a page error and a CSP violation to the collector', async () => {
    const page = await ctx.browser.newPage(ctx.seed.url)
    const problems = collectProblems(page)
    await page.route('**/csp-probe', (route) =>
      route.fulfill({
        contentType: 'text/html',
        headers: { 'content-security-policy': "script-src 'none'" },
        body: `<p>probe</p><img src=x onerror="window.__pwned=1">`,
      }),
    )
    await page.goto('/csp-probe')
    await page.evaluate(() => {
      setTimeout(() => {
        throw new Error('boom')
      }, 0)
    })
    await expect.poll(() => problems.all.some((line) => line.includes('boom'))).toBe(true)
    await expect.poll(() => problems.cspViolations.length).toBeGreaterThan(0)
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined()
    await page.context().close()
  })

  it('refuses a screenshot name that is not kebab-case', async () => {
    const page = await ctx.browser.newPage(ctx.seed.url)
    await expect(screenshot(page, '../escape', shots)).rejects.toThrow(/kebab-case/)
    expect(existsSync(join(shots, '..', 'escape.png'))).toBe(false)
    await page.context().close()
  })

  it('seeded the events, agents and environments', async () => {
    const stats = await get('/api/v1/stats?days=9')
    // The audit events the server records for the seed's changes come on top.
    expect(stats.totals.events).toBeGreaterThanOrEqual(ctx.seed.eventCount)
    expect(stats.totals.error).toBeGreaterThan(5)
    expect(stats.cost_usd).toBeGreaterThan(0)
    const { agents } = await get('/api/v1/agents')
    const pairs = agents.map((a: any) => `${a.name}@${a.environment}`).sort()
    expect(pairs).toEqual(
      expect.arrayContaining([
        'billing-agent@production',
        'research-agent@staging',
        'support-bot@production',
        'support-bot@staging',
        'writer-bot@production',
      ]),
    )
  })

  it('seeded two conversations with a timeline of calls', async () => {
    const { conversations } = await get('/api/v1/conversations')
    expect(conversations.map((c: any) => c.conversation_id).sort()).toEqual(
      [...ctx.seed.conversationIds].sort(),
    )
    const [first] = ctx.seed.conversationIds
    const timeline = await get(`/api/v1/conversations/${first}/timeline`)
    expect(timeline.events.map((e: any) => e.kind)).toEqual([
      'llm_call',
      'tool_call',
      'http_call',
      'http_call',
      'llm_call',
    ])
    expect(timeline.events[0].tools_called[0]).toMatchObject({ name: 'web_fetch' })
  })

  it('seeded a trace with parallel actions, a pending approval, an alert and the rest', async () => {
    const trace = await get(`/api/v1/traces/${ctx.seed.traceId}`)
    expect(trace.actions).toHaveLength(5)
    expect(trace.summary.parallelGroupCount).toBeGreaterThan(0)
    expect(trace.summary.wallDuration).toBeLessThan(trace.summary.totalDuration)
    const pending = await get('/api/v1/approvals?status=pending')
    expect(pending.approvals.map((a: any) => a.id)).toEqual([ctx.seed.approvalId])
    const { alerts } = await get('/api/v1/alerts')
    expect(alerts).toMatchObject([
      { alert_type: 'policy_violation', metadata: { event_id: ctx.seed.violationEventId } },
    ])
    const { rules } = await get('/api/v1/alert-rules')
    expect(rules.map((r: any) => r.id)).toContain(ctx.seed.alertRuleId)
    const stats = await get('/api/v1/evaluations/stats')
    expect(stats.totalEvaluations).toBe(ctx.seed.evaluatedEventIds.length)
    const { webhooks } = await get('/api/v1/webhooks')
    expect(webhooks).toMatchObject([{ id: ctx.seed.webhookId, active: false }])
    const hostile = await get(`/api/v1/events/${ctx.seed.scriptEventId}`)
    expect(hostile.input.message).toBe(HOSTILE_SCRIPT)
  })

  it('gives the read-only key no write', async () => {
    const res = await callApi(ctx.seed.url, ctx.seed.readKey, 'POST', '/api/v1/policies', {
      rule_type: 'service_blocklist',
      rule_config: { services: ['x'] },
    })
    expect(res.status).toBe(403)
  })

  it('seeds the same org on PostgreSQL', async () => {
    const pg = await seedDashboard({ dialect: 'postgres' })
    try {
      const res = await callApi(pg.url, pg.readKey, 'GET', '/api/v1/approvals?status=pending')
      expect(res.body.approvals.map((a: any) => a.id)).toEqual([pg.approvalId])
      const timeline = `/api/v1/conversations/${pg.conversationIds[1]}/timeline`
      expect((await callApi(pg.url, pg.readKey, 'GET', timeline)).body.events).toHaveLength(3)
    } finally {
      await pg.close()
    }
  })
})
