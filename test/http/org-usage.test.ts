import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { usageMonth } from '@agenttrail/server'
import { DIALECTS, createTestApp } from '../helpers/test-app.js'
import type { TestApp } from '../helpers/test-app.js'

describe.each(DIALECTS)('GET /api/v1/org/usage (%s)', (dialect) => {
  let t: TestApp
  beforeEach(async () => {
    t = await createTestApp({}, dialect)
  })
  afterEach(() => t.close())

  it("answers the plan and this month's count to a read key, as the monthly limit counts it", async () => {
    const reader = await t.key('org-a', ['read'])
    const ingest = await t.key('org-a', ['ingest'])
    const empty = await t.json('GET', '/api/v1/org/usage', { key: reader })
    expect(empty.status).toBe(200)
    const month = usageMonth(Date.now())
    expect(empty.body).toEqual({
      plan: {
        name: 'unlimited',
        logs_per_month: null,
        retention_days: null,
        requests_per_minute: null,
      },
      month,
      period: {
        from: `${month}-01T00:00:00.000Z`,
        to: expect.stringMatching(/^\d{4}-\d{2}-01T00:00:00\.000Z$/),
      },
      logs: { used: 0, limit: null, remaining: null },
    })
    expect(Date.parse(empty.body.period.to)).toBeGreaterThan(Date.now())

    await t.setPlan({ name: 'free' })
    const batch = { events: [{ agent: 'a' }, { agent: 'a' }, { agent: 'b' }] }
    const sent = await t.json('POST', '/api/v1/events/batch', { key: ingest, body: batch })
    expect(sent.status).toBe(201)
    const after = await t.json('GET', '/api/v1/org/usage', { key: reader })
    expect(after.body.plan).toMatchObject({ name: 'free', logs_per_month: 1000 })
    expect(after.body.logs).toEqual({ used: 3, limit: 1000, remaining: 997 })
    expect(after.body.logs.used).toBe(await t.store.orgs.usage('org-a', month))
  })

  it("counts only the key's own org, and needs the read scope", async () => {
    const other = await t.key('org-b', ['ingest'])
    expect(
      (await t.json('POST', '/api/v1/events', { key: other, body: { agent: 'x' } })).status,
    ).toBe(201)
    const mine = await t.json('GET', '/api/v1/org/usage', { key: t.adminKey })
    expect(mine.body.logs.used).toBe(0)
    const ingestOnly = await t.json('GET', '/api/v1/org/usage', { key: other })
    expect(ingestOnly.status).toBe(403)
    expect(ingestOnly.body.code).toBe('forbidden')
  })

  it('is declared in the OpenAPI document with the read scope', async () => {
    const doc = (await t.json('GET', '/api/openapi.json')).body
    const get = doc.paths['/api/v1/org/usage'].get
    expect(get.responses['200'].content['application/json'].schema.$ref).toBe(
      '#/components/schemas/OrgUsage',
    )
    expect(get['x-required-scope']).toBe('read')
  })
})
