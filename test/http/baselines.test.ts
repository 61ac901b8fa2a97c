import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DIALECTS, createTestApp } from '../helpers/test-app.js'
import type { TestApp } from '../helpers/test-app.js'

const HOUR = 3_600_000
const DAY = 24 * HOUR
const WEEK = 7 * DAY

interface Seeded {
  ts: number
  agent: string
  environment: string
  status: 'success' | 'error'
}

/**
 * The sample hours of a baseline, as docs/alerts.md states them: the hour before, the same hour and
 * the hour after, on each of the last 7 days (an agent seen for less than three weeks) or of the
 * last 4 weeks, never before the agent's first hour.
 */
function sampleHours(hour: number, firstSeen: number): number[] {
  const first = Math.floor(firstSeen / HOUR) * HOUR
  const weekly = hour - first >= 3 * WEEK
  const hours: number[] = []
  for (let k = 1; k <= (weekly ? 4 : 7); k++)
    for (const d of [-1, 0, 1]) hours.push(hour - k * (weekly ? WEEK : DAY) + d * HOUR)
  return hours.filter((b) => b >= first)
}

const meanAndStddev = (values: number[]) => {
  const mean = values.reduce((a, b) => a + b, 0) / values.length
  const ss = values.reduce((a, v) => a + (v - mean) ** 2, 0)
  return { mean, stddev: Math.sqrt(ss / (values.length - 1)) }
}

describe.each(DIALECTS)('GET /api/v1/baselines (%s)', (dialect) => {
  let t: TestApp
  let read: string
  const seeded: Seeded[] = []
  beforeEach(async () => {
    t = await createTestApp({}, dialect)
    read = await t.key('org-a', ['read'])
    seeded.length = 0
  })
  afterEach(() => t.close())

  const send = async (events: Seeded[]) => {
    seeded.push(...events)
    const res = await t.json('POST', '/api/v1/events/batch', {
      key: t.adminKey,
      body: { events: events.map((e) => ({ ...e, service: 'stripe', action: 'charge' })) },
    })
    expect(res.status).toBe(201)
  }
  /** `count` actions of `agent` from `ts` on, 10 ms apart, the first `errors` of them failed. */
  const burst = (
    agent: string,
    ts: number,
    count: number,
    errors = 0,
    environment = 'production',
  ) =>
    Array.from({ length: count }, (_, i) => ({
      ts: ts + i * 10,
      agent,
      environment,
      status: i < errors ? ('error' as const) : ('success' as const),
    }))

  /**
   * `steady`: 60 actions at this hour of the last 5 days (8, 10, 12, 14, 16; some failed) and two
   * in staging; `veteran`: 20 at this hour of the week for three weeks, first seen 22 days ago;
   * `newbie`: 5 actions just now; `gone`: one action 30 days ago.
   */
  const seed = async () => {
    const hour = Math.floor(Date.now() / HOUR) * HOUR
    const counts = [8, 10, 12, 14, 16]
    const errors = [0, 1, 2, 1, 0]
    const events: Seeded[] = []
    counts.forEach((n, i) =>
      events.push(...burst('steady', hour - (i + 1) * DAY + 20 * 60_000, n, errors[i])),
    )
    events.push(...burst('steady', hour - 3 * DAY - 2 * HOUR, 2, 0, 'staging'))
    for (let k = 1; k <= 3; k++) events.push(...burst('veteran', hour - k * WEEK + 5 * 60_000, 20))
    events.push(...burst('veteran', hour - 22 * DAY, 1))
    events.push(...burst('newbie', Date.now() - 1_000, 5))
    events.push(...burst('gone', Date.now() - 30 * DAY, 1))
    await send(events)
    // SQLite fills the rollups behind ingest; PostgreSQL as it appends (this is then a no-op).
    while ((await t.store.events.rollPending(1_000)) > 0);
  }

  /** What the seeded events say for `agent` in `environment` at the hour `hourIso`. */
  const expected = (agent: string, environment: string, hourIso: string) => {
    const mine = seeded.filter((e) => e.agent === agent && e.environment === environment)
    const byHour = new Map<number, { events: number; errors: number }>()
    for (const e of mine) {
      const b = Math.floor(e.ts / HOUR) * HOUR
      const row = byHour.get(b) ?? { events: 0, errors: 0 }
      row.events++
      if (e.status === 'error') row.errors++
      byHour.set(b, row)
    }
    const hours = sampleHours(Date.parse(hourIso), Math.min(...mine.map((e) => e.ts)))
    const rows = hours.map((b) => byHour.get(b))
    return {
      actions: meanAndStddev(rows.map((r) => r?.events ?? 0)),
      samples: hours.length,
      errorRates: rows.filter((r) => r !== undefined).map((r) => r.errors / r.events),
    }
  }

  const get = (query: string, key = read) => t.json('GET', `/api/v1/baselines${query}`, { key })

  it('lists a baseline per environment and agent active in the last four weeks', async () => {
    await seed()
    const res = await get('')
    expect(res.status).toBe(200)
    const rows = res.body.baselines as Array<{ agent: string; environment: string; status: string }>
    expect(rows.map((b) => [b.agent, b.environment, b.status])).toEqual([
      ['newbie', 'production', 'learning'],
      ['steady', 'production', 'ready'],
      ['steady', 'staging', 'learning'],
      ['veteran', 'production', 'ready'],
    ])
    expect((await get('?environment=staging')).body.baselines).toMatchObject([
      { agent: 'steady', environment: 'staging', history: { actions: 2, days: 1 } },
    ])
    expect(await get('?environment=nowhere')).toMatchObject({
      status: 200,
      body: { baselines: [] },
    })
  })

  it('answers one agent in the documented shape, with the mean and stddev of its sample hours', async () => {
    await seed()
    const res = await get('?agent=steady')
    expect(res.status).toBe(200)
    const b = res.body
    expect(Object.keys(b).sort()).toEqual([
      'agent',
      'environment',
      'history',
      'hour',
      'method',
      'metrics',
      'status',
    ])
    // Last seen in production, so production's baseline.
    expect(b).toMatchObject({
      agent: 'steady',
      environment: 'production',
      status: 'ready',
      method: 'hour_of_day',
      history: { actions: 60, days: 5 },
    })
    const want = expected('steady', 'production', b.hour)
    expect(b.metrics.actions_per_hour.samples).toBe(want.samples)
    expect(b.metrics.actions_per_hour.mean).toBeCloseTo(want.actions.mean, 5)
    expect(b.metrics.actions_per_hour.stddev).toBeCloseTo(want.actions.stddev, 5)
    const rates = meanAndStddev(want.errorRates)
    expect(b.metrics.error_rate.samples).toBe(want.errorRates.length)
    expect(b.metrics.error_rate.mean).toBeCloseTo(rates.mean, 5)
    expect(b.metrics.error_rate.stddev).toBeCloseTo(rates.stddev, 5)
    for (const m of Object.values(b.metrics) as Array<Record<string, number>>)
      expect(Object.keys(m).sort()).toEqual(['mad', 'mean', 'median', 'samples', 'scale', 'stddev'])

    const staging = await get('?agent=steady&environment=staging')
    expect(staging.body).toMatchObject({ environment: 'staging', status: 'learning' })
  })

  it('compares a long-seen agent with the same hour of past weeks', async () => {
    await seed()
    const b = (await get('?agent=veteran')).body
    expect(b).toMatchObject({
      status: 'ready',
      method: 'hour_of_week',
      history: { actions: 61, days: 4 },
    })
    const want = expected('veteran', 'production', b.hour)
    expect(b.metrics.actions_per_hour.samples).toBe(want.samples)
    expect(b.metrics.actions_per_hour.mean).toBeCloseTo(want.actions.mean, 5)
    expect(b.metrics.actions_per_hour.stddev).toBeCloseTo(want.actions.stddev, 5)
  })

  it('says an agent with little history is learning', async () => {
    await seed()
    const b = (await get('?agent=newbie')).body
    expect(b).toMatchObject({
      agent: 'newbie',
      status: 'learning',
      history: { actions: 5, days: 1 },
    })
    // No earlier hour to compare with: no actions baseline yet.
    expect(b.metrics.actions_per_hour).toBeUndefined()
  })

  it('answers 404 for an agent without activity in four weeks and 400 for bad parameters', async () => {
    await seed()
    for (const agent of ['gone', 'nobody']) {
      const res = await get(`?agent=${agent}`)
      expect(res.status, agent).toBe(404)
      expect(res.body).toEqual({
        code: 'not_found',
        error: 'no activity of this agent in the last four weeks',
      })
    }
    expect((await get('?agent=steady&environment=nowhere')).status).toBe(404)
    for (const query of ['?agent=', '?environment=', `?agent=${'a'.repeat(257)}`]) {
      const res = await get(query)
      expect(res.status, query).toBe(400)
      expect(res.body.code).toBe('invalid_query')
    }
  })

  it('keeps orgs apart and needs the read scope', async () => {
    await seed()
    const other = await t.key('org-b', ['read'])
    expect((await get('', other)).body).toEqual({ baselines: [] })
    expect((await get('?agent=steady', other)).status).toBe(404)
    expect((await get('', await t.key('org-a', ['ingest']))).status).toBe(403)
    expect((await t.json('GET', '/api/v1/baselines')).status).toBe(401)
  })
})
