import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DIALECTS, createTestApp } from '../helpers/test-app.js'
import type { TestApp } from '../helpers/test-app.js'

describe.each(DIALECTS)('reading events (%s)', (dialect) => {
  let t: TestApp
  beforeEach(async () => {
    t = await createTestApp({}, dialect)
  })
  afterEach(() => t.close())

  const ingest = async (events: object[], key = t.adminKey) => {
    const res = await t.json('POST', '/api/v1/events/batch', { key, body: { events } })
    expect(res.status).toBe(201)
    return res.body.accepted as Array<{ id: string }>
  }

  it('filters, searches and pages through the API', async () => {
    const base = Date.parse('2026-06-01T12:00:00Z')
    await ingest(
      Array.from({ length: 25 }, (_, i) => ({
        ts: base + i * 1000,
        agent: i % 2 ? 'odd' : 'even',
        title: i === 3 ? 'invoice overdue' : `step ${i}`,
        tags: i < 5 ? ['first-five'] : [],
      })),
    )
    const page1 = await t.json('GET', '/api/v1/events?agent=even&limit=5', { key: t.adminKey })
    expect(page1.body.events).toHaveLength(5)
    expect(page1.body.events[0].ts).toBe(new Date(base + 24_000).toISOString())
    const seen = [...page1.body.events]
    let cursor = page1.body.next_cursor
    while (cursor) {
      const page = await t.json('GET', `/api/v1/events?agent=even&limit=5&cursor=${cursor}`, {
        key: t.adminKey,
      })
      seen.push(...page.body.events)
      cursor = page.body.next_cursor
    }
    expect(seen).toHaveLength(13)
    const range = await t.json(
      'GET',
      `/api/v1/events?from=${new Date(base + 10_000).toISOString()}&to=${base + 20_000}`,
      {
        key: t.adminKey,
      },
    )
    expect(range.body.events).toHaveLength(10)
    expect(
      (await t.json('GET', '/api/v1/events?tag=first-five&status=success', { key: t.adminKey }))
        .body.events,
    ).toHaveLength(5)
    const found = await t.json('GET', '/api/v1/events?q=invoice', { key: t.adminKey })
    expect(found.body.events.map((e: { title: string }) => e.title)).toEqual(['invoice overdue'])
  })

  it.each([
    ['/api/v1/events?limit=0', 'limit'],
    ['/api/v1/events?limit=1001', 'limit'],
    ['/api/v1/events?limit=ten', 'limit'],
    ['/api/v1/events?from=last-week', 'from'],
    ['/api/v1/events?to=2026-13-45T99:00:00Z', 'to'],
    ['/api/v1/events?status=meh', 'status'],
    ['/api/v1/events?format=xml', 'format'],
    ['/api/v1/events?q=', 'q'],
  ])('rejects %s naming %s', async (path, param) => {
    const res = await t.json('GET', path, { key: t.adminKey })
    expect(res.status).toBe(400)
    expect(res.body.code).toBe('invalid_query')
    expect(res.body.details[0].path).toBe(param)
  })

  it('rejects a cursor it did not issue, a reversed range and a query of punctuation', async () => {
    for (const [path, code] of [
      ['/api/v1/events?cursor=bogus', 'invalid_cursor'],
      ['/api/v1/events?cursor=' + Buffer.from('1.x').toString('base64url'), 'invalid_cursor'],
      ['/api/v1/events?from=2026-02-01&to=2026-01-01', 'invalid_query'],
      ['/api/v1/events?q=%2B%2B%2B', 'invalid_query'],
    ]) {
      const res = await t.json('GET', path as string, { key: t.adminKey })
      expect(res.status).toBe(400)
      expect(res.body.code).toBe(code)
    }
  })

  it('never lets another org read, count or guess events', async () => {
    const [mine] = await ingest([{ agent: 'private-bot', title: 'quarterly numbers' }])
    const other = await t.key('org-b', ['admin'])
    expect((await t.json('GET', `/api/v1/events/${mine!.id}`, { key: other })).status).toBe(404)
    expect((await t.json('GET', '/api/v1/events?q=quarterly', { key: other })).body.events).toEqual(
      [],
    )
    expect(
      (await t.json('GET', '/api/v1/events?agent=private-bot', { key: other })).body.events,
    ).toEqual([])
    expect((await t.json('GET', '/api/v1/stats?days=1', { key: other })).body.totals.events).toBe(0)
    expect((await t.json('GET', '/api/v1/agents', { key: other })).body.agents).toEqual([])
    expect((await t.json('GET', '/api/v1/agents/private-bot', { key: other })).status).toBe(404)
    const csv = await (await t.request('GET', '/api/v1/events?format=csv', { key: other })).text()
    expect(csv.trim().split('\r\n')).toHaveLength(1)
  })

  it('streams CSV with every row and escapes formula cells', async () => {
    await ingest([
      {
        title: '=HYPERLINK("http://evil")',
        agent: '+cmd',
        user: '@me',
        action: '-1+1',
        service: 'plain, with "quotes"',
      },
    ])
    await ingest(Array.from({ length: 1_000 }, (_, i) => ({ n: i })))
    await ingest(Array.from({ length: 1_000 }, (_, i) => ({ n: i })))
    await ingest(Array.from({ length: 500 }, (_, i) => ({ n: i })))
    const res = await t.request('GET', '/api/v1/events?format=csv&limit=1', { key: t.adminKey })
    expect(res.headers.get('content-type')).toMatch(/text\/csv/)
    const lines = (await res.text()).trimEnd().split('\r\n')
    expect(lines).toHaveLength(2_502)
    expect(lines[0]).toMatch(/^id,seq,ts,/)
    const evil = lines.find((l) => l.includes('HYPERLINK')) as string
    expect(evil).toContain(`"'=HYPERLINK(""http://evil"")"`)
    expect(evil).toContain(",'+cmd,'@me,")
    expect(evil).toContain(",'-1+1,")
    expect(evil).toContain(',"plain, with ""quotes""",')
  })

  it('streams JSONL, one full event per line', async () => {
    await ingest(Array.from({ length: 1_000 }, (_, i) => ({ agent: 'x', n: i })))
    await ingest(Array.from({ length: 200 }, (_, i) => ({ agent: 'x', n: i })))
    const res = await t.request('GET', '/api/v1/events?format=jsonl&agent=x', { key: t.adminKey })
    const lines = (await res.text()).trimEnd().split('\n')
    expect(lines).toHaveLength(1_200)
    expect(new Set(lines.map((l) => JSON.parse(l).id)).size).toBe(1_200)
  })

  it('counts with /stats and lists /agents', async () => {
    await ingest([
      {
        agent: 'a',
        status: 'error',
        duration_ms: 100,
        tokens_input: 10,
        tokens_output: 5,
        cost_usd: '0.01',
        model: 'm',
      },
      { agent: 'a', duration_ms: 300, cost_usd: '0.02' },
      { agent: 'b', environment: 'staging' },
    ])
    const stats = await t.json('GET', '/api/v1/stats?days=1', { key: t.adminKey })
    expect(stats.status).toBe(200)
    expect(stats.body).toMatchObject({
      bucket: 'hour',
      totals: { events: 3, success: 2, error: 1 },
      rates: { error: 0.3333 },
      latency_ms: { avg: 200 },
      tokens: { input: 10, output: 5, total: 15 },
      cost_usd: 0.03,
    })
    expect(stats.body.by_agent[0]).toMatchObject({
      agent: 'a',
      events: 2,
      errors: 1,
      cost_usd: 0.03,
    })
    // 24 hours back from now touch 25 UTC hours unless now is exactly on the hour.
    expect(stats.body.series.length).toBeGreaterThanOrEqual(24)
    expect(stats.body.series.length).toBeLessThanOrEqual(25)
    expect(stats.body.series.reduce((n: number, p: { events: number }) => n + p.events, 0)).toBe(3)
    const staging = await t.json('GET', '/api/v1/stats?days=7&environment=staging', {
      key: t.adminKey,
    })
    expect(staging.body).toMatchObject({ bucket: 'day', totals: { events: 1 } })
    const agents = await t.json('GET', '/api/v1/agents', { key: t.adminKey })
    expect(
      agents.body.agents
        .map((a: { name: string; environment: string }) => `${a.name}/${a.environment}`)
        .sort(),
    ).toEqual(['a/production', 'b/staging'])
    const one = await t.json('GET', '/api/v1/agents/a', { key: t.adminKey })
    expect(one.body).toMatchObject({
      name: 'a',
      environments: [{ environment: 'production', events: 2, errors: 1, status: 'active' }],
    })
  })

  it('covers whole UTC hours for days=N, and exactly the range for from and to', async () => {
    const hour = 3_600_000
    const now = Date.now()
    const relative = (await t.json('GET', '/api/v1/stats?days=7', { key: t.adminKey })).body
    const end = Math.floor(now / hour) * hour + hour
    expect(Date.parse(relative.to)).toBe(end)
    expect(Date.parse(relative.from)).toBe(end - hour - 7 * 86_400_000)
    const exact = (
      await t.json('GET', '/api/v1/stats?from=2026-01-01T00:30:00Z&to=2026-01-02T00:00:00Z', {
        key: t.adminKey,
      })
    ).body
    expect([exact.from, exact.to]).toEqual(['2026-01-01T00:30:00.000Z', '2026-01-02T00:00:00.000Z'])
  })

  it.each([
    ['/api/v1/stats?days=0', 400],
    ['/api/v1/stats?days=abc', 400],
    ['/api/v1/stats?from=2026-01-01&to=2025-01-01', 400],
    ['/api/v1/stats?days=365&bucket=hour', 400],
    ['/api/v1/stats?bucket=minute', 400],
    ['/api/v1/stats?from=2026-01-01&to=2026-01-03&bucket=hour', 200],
  ])('answers %s with %i', async (path, status) => {
    const res = await t.json('GET', path, { key: t.adminKey })
    expect(res.status).toBe(status)
    if (status === 400) expect(res.body.code).toBe('invalid_query')
  })

  it('needs the read scope to read', async () => {
    const writer = await t.key('org-a', ['ingest'])
    for (const path of ['/api/v1/events', '/api/v1/stats', '/api/v1/agents', '/api/v1/events/x']) {
      expect((await t.json('GET', path, { key: writer })).status).toBe(403)
      expect((await t.json('GET', path)).status).toBe(401)
    }
  })
})
