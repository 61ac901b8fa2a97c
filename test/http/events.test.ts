import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { LIMITS, uuidv7 } from '@agenttrail/protocol'
import { DIALECTS, createTestApp } from '../helpers/test-app.js'
import type { TestApp } from '../helpers/test-app.js'

describe.each(DIALECTS)('POST /api/v1/events (%s)', (dialect) => {
  let t: TestApp
  beforeEach(async () => {
    t = await createTestApp({}, dialect)
  })
  afterEach(() => t.close())

  it('commits an event and answers { id, seq, received_at }', async () => {
    const res = await t.json('POST', '/api/v1/events', {
      key: t.adminKey,
      body: { agent: 'bot', kind: 'tool_call', status: 'failed', cost_usd: 0.5 },
    })
    expect(res.status).toBe(201)
    expect(Object.keys(res.body).sort()).toEqual(['id', 'received_at', 'seq'])
    expect(res.body.seq).toBe(1)
    const stored = await t.json('GET', `/api/v1/events/${res.body.id}`, { key: t.adminKey })
    expect(stored.body).toMatchObject({
      agent: 'bot',
      kind: 'tool_call',
      status: 'error',
      cost_usd: 0.5,
      cost_source: 'client',
      metadata: { original_status: 'failed' },
    })
  })

  it('refuses an audit event: a client cannot forge a tombstone or a control record', async () => {
    const forged = { kind: 'audit', action: 'log.erasure', metadata: { erased: [{ seq: 1 }] } }
    const res = await t.json('POST', '/api/v1/events', { key: t.adminKey, body: forged })
    expect(res.status).toBe(400)
    expect(res.body.code).toBe('validation_failed')
    expect(res.body.details).toEqual([
      { path: 'kind', message: expect.stringMatching(/server's own record/) },
    ])
    const audit = await t.json('GET', '/api/v1/events?kind=audit', { key: t.adminKey })
    expect(audit.body.events).toEqual([])
  })

  it('keeps unknown top-level fields under metadata', async () => {
    const res = await t.json('POST', '/api/v1/events', {
      key: t.adminKey,
      body: { agent: 'a', region: 'eu', metadata: { region: 'us', x: 1 } },
    })
    const stored = await t.json('GET', `/api/v1/events/${res.body.id}`, { key: t.adminKey })
    expect(stored.body.metadata).toEqual({ region: 'us', x: 1, _extra_fields: { region: 'eu' } })
    const plain = await t.json('POST', '/api/v1/events', {
      key: t.adminKey,
      body: { session_label: 'morning' },
    })
    expect(
      (await t.json('GET', `/api/v1/events/${plain.body.id}`, { key: t.adminKey })).body.metadata,
    ).toEqual({
      session_label: 'morning',
    })
  })

  it('accepts the key as Bearer, X-API-Key and x-api-key', async () => {
    const variants: Array<Record<string, string>> = [
      { authorization: `Bearer ${t.adminKey}` },
      { 'X-API-Key': t.adminKey },
      { 'x-api-key': t.adminKey },
    ]
    for (const headers of variants) {
      expect((await t.request('POST', '/api/v1/events', { headers, body: {} })).status).toBe(201)
    }
  })

  it.each([
    ['no key', undefined, 401, 'unauthorized'],
    ['an unknown key', 'at_nope_nope_nope_nope_nope', 401, 'unauthorized'],
  ])('refuses %s', async (_name, key, status, code) => {
    const res = await t.json('POST', '/api/v1/events', { key, body: {} })
    expect(res.status).toBe(status)
    expect(res.body.code).toBe(code)
    expect(res.body.error).toMatch(/key/)
  })

  it('refuses a key without the ingest scope, and a revoked key', async () => {
    const reader = await t.key('org-a', ['read'])
    const res = await t.json('POST', '/api/v1/events', { key: reader, body: {} })
    expect(res.status).toBe(403)
    expect(res.body).toMatchObject({ code: 'forbidden' })
    const ingester = await t.key('org-a', ['ingest'])
    expect((await t.request('POST', '/api/v1/events', { key: ingester, body: {} })).status).toBe(
      201,
    )
    const list = await t.json('GET', '/api/v1/keys', { key: t.adminKey })
    const id = list.body.keys.find((k: { scopes: string[] }) => k.scopes.join() === 'ingest').id
    await t.json('POST', '/api/v1/keys/revoke', { key: t.adminKey, body: { id } })
    expect((await t.request('POST', '/api/v1/events', { key: ingester, body: {} })).status).toBe(
      401,
    )
  })

  it('answers malformed JSON with 400 invalid_json and never stores anything', async () => {
    for (const raw of ['{"agent": ', 'not json', '']) {
      const res = await t.json('POST', '/api/v1/events', { key: t.adminKey, raw })
      expect(res.status).toBe(400)
      expect(res.body.code).toBe('invalid_json')
    }
    expect((await t.json('GET', '/api/v1/events', { key: t.adminKey })).body.events).toEqual([])
  })

  it('names every wrong field with its path and a message a person can act on', async () => {
    const res = await t.json('POST', '/api/v1/events', {
      key: t.adminKey,
      body: { agent: 5, tokens_input: -1, tags: 'x', duration_ms: 'slow' },
    })
    expect(res.status).toBe(400)
    expect(res.body.code).toBe('validation_failed')
    expect(res.body.details.map((d: { path: string }) => d.path).sort()).toEqual([
      'agent',
      'duration_ms',
      'tags',
      'tokens_input',
    ])
    expect(res.body.error).toMatch(/^agent: .*string/)
  })

  it.each([
    [{ status: 'exploded' }, 'status', /success, error, pending, denied/],
    [{ ts: 1_700_000_000 }, 'ts', /seconds/],
    [{ ts: 'yesterday' }, 'ts', /ISO 8601/],
    [{ ts: Date.now() + 3 * 86_400_000 }, 'ts', /future/],
    [{ cost_usd: 'a lot' }, 'cost_usd', /decimal/],
    [{ id: 'not-a-uuid' }, 'id', /UUID/],
    [{ kind: 'LLM Call' }, 'kind', /lower-case/],
    [{ agent: 'x'.repeat(LIMITS.shortString + 1) }, 'agent', /at most 256/],
    [{ tags: Array.from({ length: 65 }, (_, i) => `t${i}`) }, 'tags', /at most 64/],
    [{ input: 'x'.repeat(LIMITS.payloadBytes + 10) }, 'input', /at most 262144 bytes/],
    [
      { system_prompt: 'be nice', system_prompt_sha256: 'a'.repeat(64) },
      'system_prompt_sha256',
      /does not match/,
    ],
    [[1, 2], '', /JSON object/],
  ])('rejects %j with a message on %s', async (body, path, message) => {
    const res = await t.json('POST', '/api/v1/events', { key: t.adminKey, body })
    expect(res.status).toBe(400)
    expect(res.body.details[0].path).toBe(path)
    expect(res.body.details[0].message).toMatch(message)
  })

  it('answers an oversized body with 413, by declared length or by bytes read', async () => {
    const big = JSON.stringify({ input: 'x'.repeat(LIMITS.eventBodyBytes) })
    const res = await t.json('POST', '/api/v1/events', { key: t.adminKey, raw: big })
    expect(res.status).toBe(413)
    expect(res.body.code).toBe('payload_too_large')
    const chunked = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(big))
        c.close()
      },
    })
    const res2 = await t.raw(
      new Request('http://local/api/v1/events', {
        method: 'POST',
        body: chunked,
        headers: { authorization: `Bearer ${t.adminKey}` },
        duplex: 'half',
      } as RequestInit),
    )
    expect(res2.status).toBe(413)
  })

  it('makes a client-supplied id idempotent: 200 with the first receipt, no second event', async () => {
    const id = uuidv7()
    const first = await t.json('POST', '/api/v1/events', {
      key: t.adminKey,
      body: { id, agent: 'a' },
    })
    const again = await t.json('POST', '/api/v1/events', {
      key: t.adminKey,
      body: { id, agent: 'a' },
    })
    expect(first.status).toBe(201)
    expect(again.status).toBe(200)
    expect(again.body).toEqual(first.body)
    expect((await t.json('GET', '/api/v1/events', { key: t.adminKey })).body.events).toHaveLength(1)
  })

  it('replays the first response for a repeated Idempotency-Key, and refuses the key on another body', async () => {
    const headers = { 'Idempotency-Key': 'order-42' }
    const first = await t.json('POST', '/api/v1/events', {
      key: t.adminKey,
      headers,
      body: { agent: 'a' },
    })
    const again = await t.json('POST', '/api/v1/events', {
      key: t.adminKey,
      headers,
      body: { agent: 'a' },
    })
    expect(again.status).toBe(first.status)
    expect(again.body).toEqual(first.body)
    expect(again.headers.get('idempotent-replayed')).toBe('true')
    const concurrent = await Promise.all(
      Array.from({ length: 10 }, () =>
        t.json('POST', '/api/v1/events', {
          key: t.adminKey,
          headers: { 'Idempotency-Key': 'burst' },
          body: { n: 1 },
        }),
      ),
    )
    expect(new Set(concurrent.map((r) => r.body.id)).size).toBe(1)
    expect((await t.json('GET', '/api/v1/events', { key: t.adminKey })).body.events).toHaveLength(2)
    const other = await t.json('POST', '/api/v1/events', {
      key: t.adminKey,
      headers,
      body: { agent: 'b' },
    })
    expect(other.status).toBe(422)
    expect(other.body.code).toBe('idempotency_key_reused')
    const bad = await t.json('POST', '/api/v1/events', {
      key: t.adminKey,
      headers: { 'Idempotency-Key': 'x'.repeat(300) },
      body: {},
    })
    expect(bad.status).toBe(400)
  })

  it('does not let an invalid body reserve an Idempotency-Key', async () => {
    const headers = { 'Idempotency-Key': 'fix-and-retry' }
    expect(
      (
        await t.json('POST', '/api/v1/events', {
          key: t.adminKey,
          headers,
          body: { status: 'nope' },
        })
      ).status,
    ).toBe(400)
    expect(
      (
        await t.json('POST', '/api/v1/events', {
          key: t.adminKey,
          headers,
          body: { status: 'success' },
        })
      ).status,
    ).toBe(201)
  })

  it('shares one transaction among concurrent requests and keeps seq gap-free', async () => {
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, n) =>
        t.json('POST', '/api/v1/events', { key: t.adminKey, body: { n } }),
      ),
    )
    expect(results.every((r) => r.status === 201)).toBe(true)
    expect(results.map((r) => r.body.seq).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 200 }, (_, i) => i + 1),
    )
  })
})

describe.each(DIALECTS)('POST /api/v1/events/batch (%s)', (dialect) => {
  let t: TestApp
  beforeEach(async () => {
    t = await createTestApp({}, dialect)
  })
  afterEach(() => t.close())

  it('commits every valid event and lists every invalid one by index', async () => {
    const res = await t.json('POST', '/api/v1/events/batch', {
      key: t.adminKey,
      body: { events: [{ agent: 'a' }, { agent: 7 }, { agent: 'c' }, 'nope'] },
    })
    expect(res.status).toBe(200)
    expect(res.body.accepted.map((a: { index: number; seq: number }) => [a.index, a.seq])).toEqual([
      [0, 1],
      [2, 2],
    ])
    expect(res.body.errors.map((e: { index: number }) => e.index)).toEqual([1, 3])
    expect(res.body.errors[0].details[0].path).toBe('events.1.agent')
  })

  it('refuses the audit events of a batch by index and commits the rest', async () => {
    const res = await t.json('POST', '/api/v1/events/batch', {
      key: t.adminKey,
      body: {
        events: [{ agent: 'a' }, { kind: 'audit', action: 'log.erasure' }, { kind: 'audit' }],
      },
    })
    expect(res.status).toBe(200)
    expect(res.body.accepted.map((a: { index: number }) => a.index)).toEqual([0])
    expect(res.body.errors).toEqual([
      { index: 1, details: [{ path: 'events.1.kind', message: expect.any(String) }] },
      { index: 2, details: [{ path: 'events.2.kind', message: expect.any(String) }] },
    ])
  })

  it('answers 201 when all are accepted and 400 when none are', async () => {
    expect(
      (
        await t.json('POST', '/api/v1/events/batch', {
          key: t.adminKey,
          body: { events: [{}, {}] },
        })
      ).status,
    ).toBe(201)
    const none = await t.json('POST', '/api/v1/events/batch', {
      key: t.adminKey,
      body: { events: [{ status: 'x' }] },
    })
    expect(none.status).toBe(400)
    expect(none.body.details[0].path).toBe('events.0.status')
  })

  it.each([
    [{ events: [] }, /at least one/],
    [{ events: Array.from({ length: 1_001 }, () => ({})) }, /at most 1000/],
    [{ items: [] }, /events/],
    [[{}], /object/],
  ])('rejects a malformed batch %#', async (body, message) => {
    const res = await t.json('POST', '/api/v1/events/batch', { key: t.adminKey, body })
    expect(res.status).toBe(400)
    expect(res.body.error).toMatch(message)
  })

  it('replays a batch under the same Idempotency-Key without duplicates', async () => {
    const headers = { 'Idempotency-Key': 'batch-1' }
    const body = { events: [{ n: 1 }, { n: 2 }, { bad: true, status: '?' }] }
    const first = await t.json('POST', '/api/v1/events/batch', { key: t.adminKey, headers, body })
    const again = await t.json('POST', '/api/v1/events/batch', { key: t.adminKey, headers, body })
    expect(again.body).toEqual({
      ...first.body,
      accepted: first.body.accepted.map((a: object) => ({ ...a, duplicate: true })),
    })
    expect((await t.json('GET', '/api/v1/events', { key: t.adminKey })).body.events).toHaveLength(2)
  })
})
