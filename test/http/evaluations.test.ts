import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createApiKey, runRetention } from '@agenttrail/server'
import { DIALECTS, createTestApp } from '../helpers/test-app.js'
import type { TestApp } from '../helpers/test-app.js'

const DAY_MS = 86_400_000
const UNKNOWN = {
  error: 'action_id not found or does not belong to your organization',
  code: 'not_found',
}

/** Creating evaluations (the documented body and its errors), scopes, the trail, and deletion. */
describe.each(DIALECTS)('evaluations: scoring events (%s)', (dialect) => {
  let t: TestApp
  let reviewer: { key: string; id: string }
  let read: string
  beforeEach(async () => {
    t = await createTestApp({}, dialect)
    reviewer = await createApiKey(t.store.keys, { orgId: 'org-a', name: 'qa', scopes: ['ingest'] })
    read = await t.key('org-a', ['read'])
  })
  afterEach(() => t.close())

  const record = async (fields: Record<string, unknown>, orgId = 'org-a') => {
    const key = orgId === 'org-a' ? reviewer.key : await t.key(orgId, ['ingest'])
    const res = await t.json('POST', '/api/v1/events', { key, body: { kind: 'action', ...fields } })
    expect(res.status).toBe(201)
    return res.body.id as string
  }
  const evaluate = (body: unknown, key = reviewer.key) =>
    t.json('POST', '/api/v1/evaluations', { key, body })
  const invalid = async (body: unknown) => {
    const res = await evaluate(body)
    expect(res.status).toBe(400)
    expect(res.body.code).toBe('validation_failed')
    return (res.body.details as Array<{ path: string; message: string }>).map((d) => d.path)
  }

  it('scores an event with the documented body: 201 with the evaluation, shown on the event', async () => {
    const id = await record({ agent: 'support-bot', environment: 'staging' })
    const res = await evaluate({
      action_id: id,
      score: 85,
      label: 'correct',
      feedback: 'Response was accurate but could be more concise',
    })
    expect(res.status).toBe(201)
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      event_id: id,
      action_id: id,
      environment: 'staging',
      agent: 'support-bot',
      agent_name: 'support-bot',
      score: 85,
      label: 'correct',
      feedback: 'Response was accurate but could be more concise',
      evaluated_by: null,
      created_at: expect.any(String),
    })
    const event = await t.json('GET', `/api/v1/events/${id}`, { key: read })
    expect(event.body).toMatchObject({ id, agent: 'support-bot', evaluations: [res.body] })
    // An event nobody scored shows an empty list.
    const other = await record({ agent: 'support-bot' })
    expect(
      (await t.json('GET', `/api/v1/events/${other}`, { key: read })).body.evaluations,
    ).toEqual([])
  })

  it('takes event_id as the native name, floors a fraction, and reads empty or null texts as none', async () => {
    const id = await record({ agent: 'bot' })
    const res = await evaluate({ event_id: id, score: 99.9, label: '', feedback: null })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({ event_id: id, score: 99, label: null, feedback: null })
    // The Python SDK's body: no evaluated_by, None sent as null.
    const py = await evaluate({ action_id: id, score: 0, label: null, feedback: null })
    expect(py).toMatchObject({ status: 201, body: { score: 0, label: null } })
    expect((await evaluate({ action_id: id, score: 100 })).body.score).toBe(100)
  })

  it('records each evaluation in the trail with the event id, score and label, not the feedback', async () => {
    const id = await record({ agent: 'bot', environment: 'staging' })
    const made = await evaluate({ action_id: id, score: 42, label: 'partial', feedback: 'secret' })
    const audit = await t.json('GET', `/api/v1/events?kind=audit&user=${reviewer.id}`, {
      key: read,
    })
    expect(audit.body.events).toHaveLength(1)
    const [entry] = audit.body.events
    expect(entry).toMatchObject({
      kind: 'audit',
      action: 'evaluation.created',
      agent: null,
      environment: 'staging',
      user: reviewer.id,
      metadata: {
        id: made.body.id,
        event_id: id,
        agent: 'bot',
        score: 42,
        label: 'partial',
        key: { id: reviewer.id, name: 'qa' },
      },
    })
    expect(JSON.stringify(entry)).not.toContain('secret')
  })

  it('refuses a bad score, naming the field: -1, 101, a string, none', async () => {
    const id = await record({ agent: 'bot' })
    for (const score of [-1, 101, 'x', '85', null, true])
      expect(await invalid({ action_id: id, score })).toEqual(['score'])
    expect(await invalid({ action_id: id })).toEqual(['score'])
    expect((await evaluate({ action_id: id, score: -0.5 })).status).toBe(400)
    expect((await evaluate({ action_id: id, score: 100.5 })).status).toBe(400)
  })

  it('refuses a missing id, both ids, over-long texts and unknown fields, naming every problem', async () => {
    const id = await record({ agent: 'bot' })
    expect(await invalid({ score: 50 })).toEqual(['action_id'])
    expect(await invalid({ action_id: id, event_id: id, score: 50 })).toEqual(['event_id'])
    expect(await invalid({ action_id: '', score: 50 })).toEqual(['action_id'])
    expect(await invalid({ action_id: 7, score: 50 })).toEqual(['action_id'])
    expect(await invalid({ score: 'x' })).toEqual(['score', 'action_id'])
    expect(
      await invalid({
        action_id: id,
        score: 1,
        label: 'l'.repeat(101),
        feedback: 'f'.repeat(2001),
        evaluated_by: 'e'.repeat(201),
      }),
    ).toEqual(['label', 'feedback', 'evaluated_by'])
    const longest = {
      label: 'l'.repeat(100),
      feedback: 'f'.repeat(2000),
      evaluated_by: 'e'.repeat(200),
    }
    expect((await evaluate({ action_id: id, score: 1, ...longest })).status).toBe(201)
    expect((await evaluate({ action_id: id, score: 1, comment: 'x' })).body).toMatchObject({
      code: 'validation_failed',
      error: expect.stringContaining('unknown field comment'),
    })
    for (const raw of ['', 'not json', '[]', 'null'])
      expect(
        (await t.request('POST', '/api/v1/evaluations', { key: reviewer.key, raw })).status,
      ).toBe(400)
    expect(
      (await t.json('GET', '/api/v1/evaluations', { key: read })).body.evaluations,
    ).toHaveLength(1)
  })

  it("answers an unknown event and another org's event with the same 404, storing and recording nothing", async () => {
    const theirs = await record({ agent: 'bot' }, 'org-b')
    const unknown = await evaluate({ action_id: '0190f1e2-0000-7000-8000-000000000000', score: 5 })
    const foreign = await evaluate({ action_id: theirs, score: 5 })
    const alias = await evaluate({ event_id: theirs, score: 5 })
    for (const res of [unknown, foreign, alias])
      expect(res).toMatchObject({ status: 404, body: UNKNOWN })
    expect(foreign.body).toEqual(unknown.body)
    expect((await t.json('GET', '/api/v1/evaluations', { key: read })).body.evaluations).toEqual([])
    const audits = await t.json('GET', '/api/v1/events?kind=audit', { key: read })
    expect(audits.body.events).toEqual([])
    const theirKey = await t.key('org-b', ['read'])
    const seen = await t.json('GET', '/api/v1/evaluations', { key: theirKey })
    expect(seen.body.evaluations).toEqual([])
  })

  it('needs ingest to score and read to list: a read key cannot POST, an ingest key cannot GET', async () => {
    const id = await record({ agent: 'bot' })
    expect(await evaluate({ action_id: id, score: 1 }, read)).toMatchObject({
      status: 403,
      body: { code: 'forbidden' },
    })
    expect((await evaluate({ action_id: id, score: 1 }, 'at_nope')).status).toBe(401)
    expect((await t.json('GET', '/api/v1/evaluations', { key: reviewer.key })).status).toBe(403)
    expect((await t.json('GET', '/api/v1/evaluations/stats', { key: reviewer.key })).status).toBe(
      403,
    )
    expect((await t.json('GET', '/api/v1/evaluations')).status).toBe(401)
    // An admin key does everything.
    expect((await evaluate({ action_id: id, score: 1 }, t.adminKey)).status).toBe(201)
    expect(
      (await t.json('GET', '/api/v1/evaluations', { key: read })).body.evaluations,
    ).toHaveLength(1)
  })

  it('the retention job deletes the evaluations of the events it removes and keeps the others', async () => {
    await t.setPlan({ name: 'custom', logs_per_month: null, retention_days: 7 })
    const gone = await record({ agent: 'bot', ts: Date.now() - 30 * DAY_MS })
    const kept = await record({ agent: 'bot' })
    for (const id of [gone, kept])
      expect((await evaluate({ action_id: id, score: 70 })).status).toBe(201)
    const dataDir = mkdtempSync(join(tmpdir(), 'agenttrail-evaluations-'))
    try {
      const [result] = await runRetention({ store: t.store, dataDir })
      expect(result).toMatchObject({ orgId: 'org-a', deleted: 1 })
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
    const left = (await t.json('GET', '/api/v1/evaluations', { key: read })).body.evaluations
    expect(left.map((e: { event_id: string }) => e.event_id)).toEqual([kept])
    const forGone = await t.json('GET', `/api/v1/evaluations?action_id=${gone}`, { key: read })
    expect(forGone.body).toEqual({ evaluations: [] })
    const stats = await t.json('GET', '/api/v1/evaluations/stats?days=366', { key: read })
    expect(stats.body).toMatchObject({ totalEvaluations: 1, avgScore: 70 })
    expect(await evaluate({ action_id: gone, score: 1 })).toMatchObject({
      status: 404,
      body: UNKNOWN,
    })
  })

  it('is described in the OpenAPI document: the three routes and the body', async () => {
    const doc = (await t.json('GET', '/api/openapi.json')).body
    expect(Object.keys(doc.paths['/api/v1/evaluations'])).toEqual(['post', 'get'])
    expect(doc.paths['/api/v1/evaluations/stats'].get).toBeDefined()
    expect(doc.components.schemas.NewEvaluation.properties).toHaveProperty('action_id')
    expect(Object.keys(doc.components.schemas.EvaluationStats.properties)).toEqual(
      expect.arrayContaining(['avgScore', 'byAgent', 'byLabel', 'trend', 'totalEvaluations']),
    )
  })
})
