import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { agentGuid } from '@agenttrail/protocol'
import { runArchive } from '@agenttrail/server'
import { DIALECTS, createTestApp } from '../helpers/test-app.js'
import type { TestApp } from '../helpers/test-app.js'

const DAY_MS = 86_400_000

describe.each(DIALECTS)('DELETE /api/v1/events/{id} (%s)', (dialect) => {
  let t: TestApp
  beforeEach(async () => {
    t = await createTestApp({}, dialect)
  })
  afterEach(() => t.close())

  const get = (path: string, key = t.adminKey) => t.json('GET', path, { key })
  const remove = (id: string, key = t.adminKey) =>
    t.json('DELETE', `/api/v1/events/${encodeURIComponent(id)}`, { key })

  // Two events of `bot` at the same instant in one conversation (only the named one may go), one
  // of `helper`; folded into the rollups and the search index before the delete, so the delete has
  // to take it out of them rather than never putting it there.
  const seed = async () => {
    const ts = Date.now() - 60_000
    const res = await t.json('POST', '/api/v1/events/batch', {
      key: t.adminKey,
      body: {
        events: [
          {
            ts,
            agent: 'bot',
            kind: 'llm_call',
            status: 'error',
            model: 'gpt-4o',
            title: 'refund for invoice 42',
            tags: ['billing'],
            conversation_id: 'conv-1',
            tokens_input: 100,
            tokens_output: 20,
            cost_usd: 0.5,
            duration_ms: 800,
            system_prompt: 'You answer billing questions.',
          },
          {
            ts,
            agent: 'bot',
            kind: 'tool_call',
            title: 'lookup customer',
            tags: ['billing'],
            conversation_id: 'conv-1',
            duration_ms: 30,
          },
          { ts: ts + 1, agent: 'helper', kind: 'action', title: 'send receipt' },
        ],
      },
    })
    expect(res.status).toBe(201)
    while ((await t.store.events.rollPending(1_000)) > 0);
    while ((await t.store.events.indexPending(1_000)) > 0);
    const [doomed, kept, other] = (res.body.accepted as Array<{ id: string }>).map((a) => a.id)
    return { doomed: doomed!, kept: kept!, other: other!, ts }
  }

  const ids = (body: { events: Array<{ id: string }> }) => body.events.map((e) => e.id).sort()

  it('deletes one event from every read: by id, the filters, search, tags, stats, agents and conversations', async () => {
    const { doomed, kept } = await seed()
    const before = await get('/api/v1/stats?agent=bot')
    expect(before.body.totals).toMatchObject({ events: 2, error: 1 })
    expect((await get('/api/v1/events?q=invoice')).body.events).toHaveLength(1)
    expect((await get('/api/v1/conversations/conv-1/calls/' + doomed)).status).toBe(200)

    const res = await remove(doomed)
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ deleted: true, id: doomed, audit_event_id: expect.any(String) })

    expect((await get(`/api/v1/events/${doomed}`)).status).toBe(404)
    expect((await get(`/api/v1/events/${kept}`)).status).toBe(200)
    expect(ids((await get('/api/v1/events?agent=bot')).body)).toEqual([kept])
    expect((await get('/api/v1/events?kind=llm_call')).body.events).toEqual([])
    expect((await get('/api/v1/events?model=gpt-4o')).body.events).toEqual([])
    expect((await get('/api/v1/events?status=error')).body.events).toEqual([])
    expect((await get('/api/v1/events?q=invoice')).body.events).toEqual([])
    expect(ids((await get('/api/v1/events?q=lookup')).body)).toEqual([kept])
    expect(ids((await get('/api/v1/events?tag=billing')).body)).toEqual([kept])
    expect(ids((await get('/api/v1/events?conversation_id=conv-1')).body)).toEqual([kept])

    const stats = (await get('/api/v1/stats?agent=bot')).body
    expect(stats.totals).toMatchObject({ events: 1, error: 0 })
    expect(stats.tokens.total).toBe(0)
    expect(stats.cost_usd).toBe(0)
    expect(stats.by_model).not.toContainEqual(expect.objectContaining({ model: 'gpt-4o' }))
    const bot = (await get('/api/v1/agents/bot')).body
    expect(bot.environments).toEqual([
      expect.objectContaining({ events: 1, errors: 0, tokens_total: 0, cost_usd: 0 }),
    ])
    expect(bot.totalActions).toBe(1)
    const listed = (await get('/api/v1/agents')).body.agents
    expect(listed).toContainEqual(expect.objectContaining({ name: 'bot', events: 1, errors: 0 }))

    const conv = (await get('/api/v1/conversations')).body.conversations
    expect(conv).toHaveLength(1)
    expect(conv[0]).toMatchObject({
      conversation_id: 'conv-1',
      events: 1,
      errors: 0,
      models: [],
      calls: { llm: 0, tool: 1, total: 1 },
    })
    expect(ids((await get('/api/v1/conversations/conv-1/timeline')).body)).toEqual([kept])
    expect((await get('/api/v1/conversations/conv-1/calls/' + doomed)).status).toBe(404)
  })

  it('appends a tombstone in the same transaction naming the event and the key, never its payload', async () => {
    const { doomed } = await seed()
    const me = (await get('/api/v1/whoami')).body
    const { seq } = (await get(`/api/v1/events/${doomed}`)).body
    const res = await remove(doomed)
    const audit = (await get(`/api/v1/events/${res.body.audit_event_id}`)).body
    expect(audit).toMatchObject({
      kind: 'audit',
      action: 'log.erasure',
      status: 'success',
      user: me.key.id,
      agent: null,
      environment: 'production',
      title: 'Erased 1 event',
      metadata: {
        erased: [[seq, seq]],
        count: 1,
        reason: 'event delete',
        selector: { by: 'event', event_id: doomed },
        request_ref: null,
      },
    })
    const text = JSON.stringify(audit)
    for (const payload of ['invoice', 'billing', 'gpt-4o', 'conv-1'])
      expect(text).not.toContain(payload)
    const found = await get('/api/v1/events?kind=audit&action=log.erasure')
    expect(ids(found.body)).toEqual([res.body.audit_event_id])
  })

  it('answers a second delete, an unknown id and another org’s event with the same 404', async () => {
    const { doomed, kept } = await seed()
    expect((await remove(doomed)).status).toBe(200)
    const again = await remove(doomed)
    const unknown = await remove('0190d6f2-0000-7000-8000-000000000000')
    const otherOrg = await remove(kept, await t.key('org-b', ['admin']))
    for (const res of [again, unknown, otherOrg]) {
      expect(res.status).toBe(404)
      expect(res.body).toEqual({ error: 'no event with this id in your org', code: 'not_found' })
    }
    expect((await get(`/api/v1/events/${kept}`)).status).toBe(200)
    // Only the one deletion is recorded.
    expect((await get('/api/v1/events?kind=audit')).body.events).toHaveLength(1)
  })

  it('refuses to delete an audit event with 409 audit_event', async () => {
    const { doomed } = await seed()
    const { audit_event_id } = (await remove(doomed)).body
    const res = await remove(audit_event_id)
    expect(res.status).toBe(409)
    expect(res.body.code).toBe('audit_event')
    expect(res.body.error).toMatch(/audit events .* cannot be deleted or erased/)
    expect((await get(`/api/v1/events/${audit_event_id}`)).status).toBe(200)
  })

  it('needs the admin scope: read, ingest, control and approve keys get 403', async () => {
    const { doomed } = await seed()
    for (const scope of ['read', 'ingest', 'control', 'approve'] as const) {
      const res = await remove(doomed, await t.key('org-a', [scope]))
      expect(res.status, scope).toBe(403)
      expect(res.body.code, scope).toBe('forbidden')
    }
    expect((await remove(doomed, 'at_' + 'x'.repeat(40))).status).toBe(401)
    expect((await get(`/api/v1/events/${doomed}`)).status).toBe(200)
    expect((await get('/api/v1/events?kind=audit')).body.events).toEqual([])
  })

  it('answers ids that cannot be an event’s as GET /api/v1/events/{id} does', async () => {
    const { kept } = await seed()
    for (const id of ['not-a-uuid', kept.toUpperCase(), `${kept}0`, 'x'.repeat(2_000), ' ']) {
      const got = await get(`/api/v1/events/${encodeURIComponent(id)}`)
      const res = await remove(id)
      expect(res.status, id.slice(0, 40)).toBe(got.status)
      expect(res.body, id.slice(0, 40)).toEqual(got.body)
      expect(res.status).toBe(404)
    }
    const nul = await t.json('DELETE', '/api/v1/events/%00', { key: t.adminKey })
    expect(nul.status).toBe(400)
    expect((await get(`/api/v1/events/${kept}`)).status).toBe(200)
  })
})

describe.each(DIALECTS)('DELETE /api/v1/events/{id} and the daily archive (%s)', (dialect) => {
  let t: TestApp
  let dataDir: string
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'agenttrail-delete-'))
    t = await createTestApp({ AGENTTRAIL_DATA_DIR: dataDir }, dialect)
  })
  afterEach(async () => {
    await t.close()
    await rm(dataDir, { recursive: true, force: true })
  })

  it('takes the event out of its agent’s archive file of that day at once, and the next pass writes the day without it', async () => {
    const day = Math.floor(Date.now() / DAY_MS) * DAY_MS - 2 * DAY_MS
    const res = await t.json('POST', '/api/v1/events/batch', {
      key: t.adminKey,
      body: {
        events: [
          { ts: day + 3_600_000, agent: 'bot', title: 'secret payload 7f3a' },
          { ts: day + 7_200_000, agent: 'bot', title: 'kept line' },
        ],
      },
    })
    expect(res.status).toBe(201)
    const [doomed] = (res.body.accepted as Array<{ id: string }>).map((a) => a.id)
    const archive = () => runArchive({ store: t.store, dataDir, retentionDays: 180 })
    const file = join(
      dataDir,
      'archives',
      'org-a',
      agentGuid('org-a', 'production', 'bot'),
      `${new Date(day).toISOString().slice(0, 10)}.jsonl`,
    )
    await archive()
    expect(await readFile(file, 'utf8')).toContain('secret payload 7f3a')

    expect((await t.json('DELETE', `/api/v1/events/${doomed}`, { key: t.adminKey })).status).toBe(
      200,
    )
    const after = await readFile(file, 'utf8').catch(() => '')
    expect(after).not.toContain('secret payload 7f3a')

    await archive()
    const rewritten = await readFile(file, 'utf8')
    expect(rewritten).toContain('kept line')
    expect(rewritten).not.toContain('secret payload 7f3a')
  })
})
