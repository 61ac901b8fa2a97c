import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DIALECTS, createTestApp } from '../helpers/test-app.js'
import type { TestApp } from '../helpers/test-app.js'

const DAY_MS = 86_400_000

interface Evaluation {
  id: string
  event_id: string
  action_id: string
  agent_name: string | null
  environment: string
  score: number
  label: string | null
  created_at: string
}

/** Listing evaluations with each filter, and their statistics in the documented shape. */
describe.each(DIALECTS)('evaluations: lists and statistics (%s)', (dialect) => {
  let t: TestApp
  let ingest: string
  let read: string
  beforeEach(async () => {
    t = await createTestApp({}, dialect)
    ingest = await t.key('org-a', ['ingest'])
    read = await t.key('org-a', ['read'])
  })
  afterEach(() => t.close())

  const record = async (fields: Record<string, unknown>) => {
    const res = await t.json('POST', '/api/v1/events', {
      key: ingest,
      body: { kind: 'action', ...fields },
    })
    expect(res.status).toBe(201)
    return res.body.id as string
  }
  const evaluate = async (id: string, score: number, label?: string) => {
    const res = await t.json('POST', '/api/v1/evaluations', {
      key: ingest,
      body: { action_id: id, score, ...(label && { label }) },
    })
    expect(res.status).toBe(201)
    return res.body as Evaluation
  }
  const list = async (query = '') => {
    const res = await t.json('GET', `/api/v1/evaluations${query}`, { key: read })
    expect(res.status).toBe(200)
    return res.body.evaluations as Evaluation[]
  }
  const scores = async (query = '') => (await list(query)).map((e) => e.score)
  const stats = async (query = '') => {
    const res = await t.json('GET', `/api/v1/evaluations/stats${query}`, { key: read })
    expect(res.status).toBe(200)
    return res.body
  }
  const badQuery = async (path: string) => {
    const res = await t.json('GET', path, { key: read })
    expect(res).toMatchObject({ status: 400, body: { code: 'invalid_query' } })
    return res.body.error as string
  }

  it('lists newest first with agent_name, and filters by each parameter', async () => {
    const a = await record({ agent: 'support-bot' })
    const b = await record({ agent: 'billing-bot', environment: 'staging' })
    await evaluate(a, 10, 'correct')
    await evaluate(b, 20, 'incorrect')
    const third = await evaluate(a, 30)
    const all = await list()
    expect(all.map((e) => e.score)).toEqual([30, 20, 10])
    expect(all[0]).toMatchObject({ agent_name: 'support-bot', action_id: a, event_id: a })
    expect(await scores(`?action_id=${a}`)).toEqual([30, 10])
    expect(await scores(`?event_id=${b}`)).toEqual([20])
    expect(await scores('?agent=support-bot')).toEqual([30, 10])
    expect(await scores('?label=incorrect')).toEqual([20])
    expect(await scores('?environment=staging')).toEqual([20])
    expect(await scores('?agent=support-bot&label=correct')).toEqual([10])
    expect(await scores('?limit=2')).toEqual([30, 20])
    expect(await scores('?agent=nobody')).toEqual([])
    const at = Date.parse(third.created_at)
    expect(await scores(`?from=${at}`)).toEqual(
      all.filter((e) => Date.parse(e.created_at) >= at).map((e) => e.score),
    )
    expect(await scores(`?to=${new Date(at).toISOString()}`)).toEqual(
      all.filter((e) => Date.parse(e.created_at) < at).map((e) => e.score),
    )
    expect(await scores('?from=2020-01-01&to=2020-01-02')).toEqual([])
  })

  it('answers at most limit rows: 50 by default, up to 200', async () => {
    const id = await record({ agent: 'bot' })
    const now = Date.now()
    for (let i = 0; i < 210; i++)
      await t.store.evaluations.create(
        'org-a',
        { eventId: id, score: i % 101, label: null, feedback: null, evaluatedBy: null },
        now - i,
      )
    expect(await list()).toHaveLength(50)
    expect(await list('?limit=200')).toHaveLength(200)
  })

  it('refuses bad list parameters with invalid_query, naming the parameter', async () => {
    expect(await badQuery('/api/v1/evaluations?limit=0')).toMatch(/^limit/)
    expect(await badQuery('/api/v1/evaluations?limit=201')).toMatch(/^limit/)
    expect(await badQuery('/api/v1/evaluations?limit=x')).toMatch(/^limit/)
    expect(await badQuery('/api/v1/evaluations?action_id=a&event_id=a')).toMatch(/^event_id/)
    expect(await badQuery('/api/v1/evaluations?from=yesterday')).toMatch(/^from/)
    expect(await badQuery('/api/v1/evaluations?to=2026-02-30')).toMatch(/^to/)
    expect(await badQuery('/api/v1/evaluations?agent=')).toMatch(/^agent/)
    expect(await badQuery(`/api/v1/evaluations?label=${'l'.repeat(101)}`)).toMatch(/^label/)
    expect(await badQuery('/api/v1/evaluations?from=2026-02-02&to=2026-02-01')).toBe(
      'from must be earlier than to',
    )
  })

  it('answers the documented statistics shape with the numbers of the last 30 days', async () => {
    const support = await record({ agent: 'support-bot' })
    const billing = await record({ agent: 'billing-bot' })
    const anonymous = await record({})
    await evaluate(support, 90, 'correct')
    await evaluate(support, 85, 'correct')
    await evaluate(billing, 76, 'incorrect')
    await evaluate(anonymous, 40)
    // Made by the store at chosen times: two days ago, and 31 days ago (outside the window).
    const now = Date.now()
    const made = (id: string, score: number, at: number) =>
      t.store.evaluations.create(
        'org-a',
        { eventId: id, score, label: 'partial', feedback: null, evaluatedBy: null },
        at,
      )
    await made(billing, 50, now - 2 * DAY_MS)
    await made(billing, 0, now - 31 * DAY_MS)
    const body = await stats()
    expect(body).toEqual({
      avgScore: 68.2,
      totalEvaluations: 5,
      byAgent: { 'billing-bot': 63, 'support-bot': 87.5 },
      byLabel: { correct: 2, incorrect: 1, partial: 1 },
      trend: [
        { date: new Date(now - 2 * DAY_MS).toISOString().slice(0, 10), avgScore: 50, count: 1 },
        { date: expect.any(String), avgScore: 72.8, count: 4 },
      ],
      from: expect.any(String),
      to: expect.any(String),
    })
    expect(Date.parse(body.to) - Date.parse(body.from)).toBe(30 * DAY_MS)
    // Rounded to one decimal: (90 + 85 + 76 + 40) / 4 = 72.75.
    expect((await stats('?days=1')).avgScore).toBe(72.8)
    expect((await stats('?days=32')).totalEvaluations).toBe(6)
  })

  it('filters statistics by agent, label, environment and time, and answers null averages when there are none', async () => {
    const prod = await record({ agent: 'bot' })
    const staging = await record({ agent: 'bot', environment: 'staging' })
    await evaluate(prod, 81)
    await evaluate(staging, 40, 'wrong')
    await evaluate(await record({ agent: 'other' }), 10)
    expect(await stats('?environment=staging')).toMatchObject({
      avgScore: 40,
      totalEvaluations: 1,
      byAgent: { bot: 40 },
      byLabel: { wrong: 1 },
    })
    expect(await stats('?agent=bot')).toMatchObject({
      avgScore: 60.5,
      totalEvaluations: 2,
      byAgent: { bot: 60.5 },
    })
    expect(await stats('?label=wrong')).toMatchObject({
      avgScore: 40,
      totalEvaluations: 1,
      byAgent: { bot: 40 },
      byLabel: { wrong: 1 },
    })
    const empty = await stats('?from=2020-01-01&to=2020-02-01')
    expect(empty).toEqual({
      avgScore: null,
      totalEvaluations: 0,
      byAgent: {},
      byLabel: {},
      trend: [],
      from: '2020-01-01T00:00:00.000Z',
      to: '2020-02-01T00:00:00.000Z',
    })
    const theirs = await t.key('org-b', ['read'])
    const res = await t.json('GET', '/api/v1/evaluations/stats', { key: theirs })
    expect(res.body).toMatchObject({ totalEvaluations: 0, avgScore: null })
  })

  it('refuses bad statistics parameters with invalid_query', async () => {
    const path = '/api/v1/evaluations/stats'
    expect(await badQuery(`${path}?days=0`)).toMatch(/^days/)
    expect(await badQuery(`${path}?days=367`)).toMatch(/^days/)
    expect(await badQuery(`${path}?days=1.5`)).toMatch(/^days/)
    expect(await badQuery(`${path}?days=7&from=2026-01-01`)).toMatch(/^days/)
    expect(await badQuery(`${path}?from=soon`)).toMatch(/^from/)
    expect(await badQuery(`${path}?to=2026-13-45`)).toMatch(/^to/)
    expect(await badQuery(`${path}?environment=`)).toMatch(/^environment/)
    expect(await badQuery(`${path}?label=${'l'.repeat(101)}`)).toMatch(/^label/)
    expect(await badQuery(`${path}?from=2026-02-02&to=2026-02-01`)).toBe(
      'from must be earlier than to',
    )
    // days with to only: the days before to.
    expect(await stats('?days=7&to=2026-01-08')).toMatchObject({
      from: '2026-01-01T00:00:00.000Z',
      to: '2026-01-08T00:00:00.000Z',
    })
  })
})
