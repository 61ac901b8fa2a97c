import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createHash } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { agentGuid } from '@agenttrail/protocol'
import { runArchive } from '@agenttrail/server'
import { DIALECTS, createTestApp } from '../helpers/test-app.js'
import type { TestApp } from '../helpers/test-app.js'

const DAY_MS = 86_400_000
/** Two days ago, UTC midnight: old enough for the archive job to have written the day. */
const DAY = Math.floor(Date.now() / DAY_MS) * DAY_MS - 2 * DAY_MS
const dayName = (ms: number) => new Date(ms).toISOString().slice(0, 10)

type Ev = {
  id: string
  seq: number
  kind: string
  action: string | null
  user: string | null
  title: string | null
  metadata: Record<string, unknown>
}

describe.each(DIALECTS)('POST /api/v1/erasures (%s)', (dialect) => {
  let t: TestApp
  let dataDir: string
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'agenttrail-erasures-'))
    t = await createTestApp({ AGENTTRAIL_DATA_DIR: dataDir }, dialect)
  })
  afterEach(async () => {
    await t.close()
    await rm(dataDir, { recursive: true, force: true })
  })

  const get = (path: string, key = t.adminKey) => t.json('GET', path, { key })
  const erase = (body: unknown, key = t.adminKey) =>
    t.json('POST', '/api/v1/erasures', { key, body })
  const events = async (query = ''): Promise<Ev[]> =>
    (await get(`/api/v1/events?limit=1000${query}`)).body.events
  const tombstones = async () =>
    (await events('&kind=audit&action=log.erasure')).sort((a, b) => a.seq - b.seq)

  // Seqs 1 to 5; folded into the rollups and the search index before any erasure.
  const seed = async () => {
    const res = await t.json('POST', '/api/v1/events/batch', {
      key: t.adminKey,
      body: {
        events: [
          {
            ts: DAY + 3_600_000,
            agent: 'bot',
            user: 'alice@example.com',
            title: 'quince order 7f3a',
            system_prompt: 'Prompt only alice’s calls used.',
          },
          { ts: DAY + 7_200_000, agent: 'bot', user: 'bob', title: 'kept line' },
          {
            ts: DAY + DAY_MS + 60_000,
            agent: 'helper',
            environment: 'staging',
            user: 'alice@example.com',
            title: 'quince refund',
          },
          { ts: DAY + DAY_MS + 120_000, agent: 'helper', environment: 'staging', title: 'other' },
          { ts: DAY + DAY_MS + 180_000, agent: 'helper', title: 'production helper' },
        ],
      },
    })
    expect(res.status).toBe(201)
    while ((await t.store.events.rollPending(1_000)) > 0);
    while ((await t.store.events.indexPending(1_000)) > 0);
    return (res.body.accepted as Array<{ id: string }>).map((a) => a.id)
  }

  it('erases a person’s events everywhere, archive files included, with one tombstone that never names them', async () => {
    await seed()
    const archive = () => runArchive({ store: t.store, dataDir, retentionDays: 180 })
    const file = join(
      dataDir,
      'archives',
      'org-a',
      agentGuid('org-a', 'production', 'bot'),
      `${dayName(DAY)}.jsonl`,
    )
    await archive()
    expect(await readFile(file, 'utf8')).toContain('quince order 7f3a')

    const res = await erase({
      user: 'alice@example.com',
      reason: 'gdpr-art17',
      request_ref: 'DSAR-2026-17',
    })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ erased: 2, tombstones: [{ id: expect.any(String), seq: 6 }] })
    expect(await events('&user=alice@example.com')).toEqual([])
    expect(await events('&q=quince')).toEqual([])
    expect((await events('&agent=bot')).map((e) => e.title)).toEqual(['kept line'])
    const sha = createHash('sha256').update('Prompt only alice’s calls used.').digest('hex')
    expect(await t.store.conversations.systemPrompt('org-a', sha)).toBeUndefined()
    // The day's archive file went with the events; the next pass writes it without them.
    expect(await readFile(file, 'utf8').catch(() => '')).not.toContain('quince')
    await archive()
    expect(await readFile(file, 'utf8')).toContain('kept line')
    expect(await readFile(file, 'utf8')).not.toContain('quince')

    const me = (await get('/api/v1/whoami')).body
    const [mark] = await tombstones()
    expect(mark).toMatchObject({
      id: res.body.tombstones[0].id,
      seq: 6,
      user: me.key.id,
      agent: null,
      title: 'Erased 2 events',
      metadata: {
        erased: [
          [1, 1],
          [3, 3],
        ],
        count: 2,
        reason: 'gdpr-art17',
        selector: { by: 'user' },
        request_ref: 'DSAR-2026-17',
      },
    })
    expect(JSON.stringify(mark)).not.toContain('alice')
  })

  it('erases an agent’s day, in one environment or all, and one event by id', async () => {
    const ids = await seed()
    const day = dayName(DAY + DAY_MS)
    const staging = await erase({ agent: 'helper', day, environment: 'staging', reason: 'cleanup' })
    expect(staging.body).toMatchObject({ erased: 2, tombstones: [{ seq: 6 }] })
    const everywhere = await erase({ agent: 'helper', day, reason: 'cleanup' })
    expect(everywhere.body).toMatchObject({ erased: 1, tombstones: [{ seq: 7 }] })
    const one = await erase({ event_id: ids[1], reason: 'mistake' })
    expect(one.body).toMatchObject({ erased: 1, tombstones: [{ seq: 8 }] })
    expect((await events()).filter((e) => e.kind !== 'audit').map((e) => e.seq)).toEqual([1])
    expect((await tombstones()).map((m) => m.metadata)).toEqual([
      {
        erased: [[3, 4]],
        count: 2,
        reason: 'cleanup',
        selector: { by: 'agent_day', agent: 'helper', day, environment: 'staging' },
        request_ref: null,
      },
      {
        erased: [[5, 5]],
        count: 1,
        reason: 'cleanup',
        selector: { by: 'agent_day', agent: 'helper', day, environment: null },
        request_ref: null,
      },
      {
        erased: [[2, 2]],
        count: 1,
        reason: 'mistake',
        selector: { by: 'event', event_id: ids[1] },
        request_ref: null,
      },
    ])
  })

  it('answers 200 with nothing erased and appends no tombstone when nothing matches', async () => {
    const ids = await seed()
    for (const body of [
      { user: 'nobody', reason: 'r' },
      { agent: 'bot', day: dayName(DAY - DAY_MS), reason: 'r' },
      { agent: 'bot', day: dayName(DAY), environment: 'staging', reason: 'r' },
      { event_id: '0190d6f2-0000-7000-8000-000000000000', reason: 'r' },
      { event_id: 'not-a-uuid', reason: 'r' },
    ]) {
      const res = await erase(body)
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ erased: 0, tombstones: [] })
    }
    // Another org's event is not this org's to erase.
    const other = await erase({ event_id: ids[0], reason: 'r' }, await t.key('org-b', ['admin']))
    expect(other.body).toEqual({ erased: 0, tombstones: [] })
    expect(await tombstones()).toEqual([])
    expect(await events()).toHaveLength(5)
  })

  it('refuses to erase an audit event with 409 audit_event, and a user erasure leaves them', async () => {
    const ids = await seed()
    const first = await erase({ event_id: ids[0], reason: 'r' })
    const res = await erase({ event_id: first.body.tombstones[0].id, reason: 'r' })
    expect(res.status).toBe(409)
    expect(res.body).toMatchObject({
      code: 'audit_event',
      error: expect.stringMatching(/cannot be deleted or erased/),
    })
    // The tombstone's user is the key's id: erasing that "user" takes no audit event.
    const me = (await get('/api/v1/whoami')).body
    expect((await erase({ user: me.key.id, reason: 'r' })).body).toEqual({
      erased: 0,
      tombstones: [],
    })
    expect(await tombstones()).toHaveLength(1)
  })

  it('refuses bad bodies with 400 validation_failed naming each field, and erases nothing', async () => {
    await seed()
    const paths = async (body: unknown) => {
      const res = await erase(body)
      expect(res.status).toBe(400)
      expect(res.body.code).toBe('validation_failed')
      return (res.body.details as Array<{ path: string; message: string }>).map((d) => d.path)
    }
    expect(await paths({ user: 'a', reason: 'r', who: 'x' })).toEqual([''])
    expect((await erase({ user: 'a', reason: 'r', who: 'x' })).body.error).toContain(
      'unknown field who',
    )
    expect(await paths({ user: 'a', event_id: 'b', reason: 'r' })).toEqual(['event_id'])
    expect(await paths({ user: 'a', agent: 'b', day: '2026-05-01', reason: 'r' })).toEqual([
      'agent',
    ])
    expect(await paths({ reason: 'r' })).toEqual(['user'])
    expect(await paths({ agent: 'bot', reason: 'r' })).toEqual(['day'])
    expect(await paths({ agent: 'bot', day: '2026-02-30', reason: 'r' })).toEqual(['day'])
    expect(await paths({ agent: 'bot', day: '2026-5-1', reason: 'r' })).toEqual(['day'])
    expect(await paths({ user: 'a', day: '2026-05-01', reason: 'r' })).toEqual(['day'])
    expect(await paths({ user: 'a', environment: 'staging', reason: 'r' })).toEqual(['environment'])
    expect(await paths({ user: 'a' })).toEqual(['reason'])
    expect(await paths({ user: 'a', reason: '   ' })).toEqual(['reason'])
    expect(await paths({ user: 'a', reason: 'r'.repeat(501) })).toEqual(['reason'])
    expect(await paths({ user: '', reason: 'r' })).toEqual(['user'])
    expect(await paths({ user: 7, reason: 'r' })).toEqual(['user'])
    expect(await paths({ user: 'a', reason: 'r', request_ref: 5 })).toEqual(['request_ref'])
    for (const raw of ['', 'not json', '[]', 'null'])
      expect((await t.request('POST', '/api/v1/erasures', { key: t.adminKey, raw })).status).toBe(
        400,
      )
    expect((await erase({ user: 'bob', reason: 'r'.repeat(500) })).body.erased).toBe(1)
    expect(await events()).toHaveLength(5)
  })

  it('needs the admin scope: read, ingest, control and approve keys get 403', async () => {
    await seed()
    for (const scope of ['read', 'ingest', 'control', 'approve'] as const) {
      const res = await erase({ user: 'bob', reason: 'r' }, await t.key('org-a', [scope]))
      expect(res.status).toBe(403)
      expect(res.body.code).toBe('forbidden')
    }
    expect((await t.json('POST', '/api/v1/erasures', { body: { user: 'bob' } })).status).toBe(401)
    expect(await events('&user=bob')).toHaveLength(1)
  })

  it('is described in the OpenAPI document', async () => {
    const doc = (await t.json('GET', '/api/openapi.json')).body
    const post = doc.paths['/api/v1/erasures'].post
    expect(Object.keys(post.responses)).toEqual(expect.arrayContaining(['200', '400', '409']))
    expect(Object.keys(doc.components.schemas.NewErasure.properties)).toEqual([
      'user',
      'agent',
      'day',
      'environment',
      'event_id',
      'reason',
      'request_ref',
    ])
    expect(doc.components.schemas.NewErasure.required).toEqual(['reason'])
    expect(Object.keys(doc.components.schemas.ErasureResult.properties)).toEqual([
      'erased',
      'tombstones',
    ])
  })
})
