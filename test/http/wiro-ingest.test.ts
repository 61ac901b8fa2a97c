import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DIALECTS } from '../helpers/test-app.js'
import { SHAPE_EXAMPLE, TOKEN_USAGE_EXAMPLE } from './wiro-fixtures.js'
import { createWiroApp } from './wiro-helpers.js'
import type { WiroApp } from './wiro-helpers.js'

const DAY = '2026-05-03'

describe.each(DIALECTS)('Wiro ActivityEvents in the native trail (%s)', (dialect) => {
  let t: WiroApp
  beforeEach(async () => {
    t = await createWiroApp(dialect)
  })
  afterEach(() => t.close())

  it('stores every field in native columns and serves back exactly what was sent', async () => {
    const failed = {
      ts: '2026-05-03T14:05:00.000Z',
      kind: 'tool_completed',
      tool: 'exec',
      title: 'Post failed',
      durationMs: 12,
      ok: false,
      error: 'HTTP 502',
    }
    const replay = {
      ...TOKEN_USAGE_EXAMPLE,
      ts: '2026-05-03T14:06:00.000Z',
      kind: 'token_usage_idempotent',
    }
    const sent = [SHAPE_EXAMPLE, TOKEN_USAGE_EXAMPLE, failed, replay]
    const guid = await t.ingest(sent)
    const native = (await t.json('GET', '/api/v1/events?agent=blog-bot', { key: t.adminKey })).body
      .events
    expect(native.map((e: { kind: string; action: string }) => [e.kind, e.action])).toEqual([
      ['token_usage', 'token_usage_idempotent'],
      ['tool_call', 'tool_completed'],
      ['token_usage', 'token_usage'],
      ['tool_call', 'tool_completed'],
    ])
    expect(native[1]).toMatchObject({
      service: 'exec',
      status: 'error',
      error: 'HTTP 502',
      duration_ms: 12,
    })
    expect(native[2]).toMatchObject({
      model: 'openai/gpt-5.4',
      tokens_input: 3450,
      tokens_output: 820,
      tokens_cache_read: 2400,
      tokens_cache_write: 0,
      tokens_total: 4270,
      cost_usd: 0.05,
      user: 'system',
    })
    expect(native[3]).toMatchObject({
      service: 'web_fetch',
      cost_usd: 0.05,
      user: 'ada-uuid',
      output: SHAPE_EXAMPLE.summary,
    })
    // The replayed usage was billed before: it adds neither tokens nor cost.
    const stats = await t.json('GET', `/api/v1/stats?from=${DAY}&to=2026-05-04`, {
      key: t.adminKey,
    })
    expect(stats.body.tokens.total).toBe(4270)
    expect(stats.body.cost_usd).toBe(0.1)
    const file = await t.wiro('LogsFile', { useragentguid: guid, date: DAY })
    expect(file.body.events).toEqual([...sent].reverse())
  })

  it('stores and serves an ActivityEvent redacted when it carries secrets', async () => {
    const guid = await t.ingest([
      {
        ts: '2026-05-03T09:00:00.000Z',
        kind: 'tool_completed',
        tool: 'exec',
        title: 'Called the API with sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123',
        summary: {
          apikey: 'wiro-live-0123456789abcdef',
          token: 'tok_9f8e7d6c5b4a39281706',
          url: 'https://api.example.com',
        },
      },
    ])
    const [event] = (await t.wiro('Logs', { useragentguid: guid, date: DAY })).body.events
    expect(event.title).toBe('Called the API with [REDACTED]')
    expect(event.summary).toEqual({
      apikey: '[REDACTED]',
      token: '[REDACTED]',
      url: 'https://api.example.com',
    })
    const stored = (await t.json('GET', '/api/v1/events?agent=blog-bot', { key: t.adminKey })).body
      .events[0]
    expect(JSON.stringify(stored)).not.toMatch(/AbCdEfGhIj|0123456789abcdef|9f8e7d6c5b4a/)
    expect(stored.metadata.redactions).toBe(3)
  })

  it('shows events that came through other surfaces in Wiro terms', async () => {
    const guid = await t.ingest([SHAPE_EXAMPLE])
    const res = await t.json('POST', '/api/v1/events/batch', {
      key: t.adminKey,
      body: {
        events: [
          {
            ts: '2026-05-03T15:00:00Z',
            agent: 'blog-bot',
            kind: 'llm_call',
            model: 'gpt-4o',
            tokens_input: 10,
            tokens_output: 5,
            cost_usd: 0.02,
          },
          {
            ts: '2026-05-03T15:01:00Z',
            agent: 'blog-bot',
            service: 'stripe',
            action: 'charge',
            status: 'failed',
            input: { amount: 5 },
          },
        ],
      },
    })
    expect(res.status).toBe(201)
    const events = (await t.wiro('Logs', { useragentguid: guid, date: DAY })).body.events
    expect(events[0]).toMatchObject({
      kind: 'tool_completed',
      tool: 'stripe',
      title: 'stripe · charge (failed)',
      ok: false,
      summary: { input: { amount: 5 } },
    })
    expect(events[1]).toMatchObject({
      kind: 'token_usage',
      title: 'Model call: gpt-4o · 15 tokens',
      tokens: { input: 10, output: 5, total: 15 },
      tokencost: 2,
      user: null,
    })
  })

  it('separates environments: the same agent name in two environments has two guids', async () => {
    const prod = await t.ingest([SHAPE_EXAMPLE])
    const staging = (
      await t.wiro('LogsIngest', {
        agent: 'blog-bot',
        environment: 'staging',
        events: [{ ...SHAPE_EXAMPLE, title: 'staging run' }],
      })
    ).body.useragentguid
    expect(staging).not.toBe(prod)
    expect(
      (await t.wiro('Logs', { useragentguid: staging, date: DAY })).body.events.map(
        (e: { title: string }) => e.title,
      ),
    ).toEqual(['staging run'])
    expect((await t.wiro('Logs', { useragentguid: prod, date: DAY })).body.totalLines).toBe(1)
  })

  it('replays an Idempotency-Key instead of appending twice', async () => {
    const body = { agent: 'blog-bot', events: [SHAPE_EXAMPLE] }
    const send = () =>
      t.json('POST', '/v1/UserAgent/LogsIngest', {
        headers: { 'x-api-key': t.adminKey, 'idempotency-key': 'run-1' },
        body,
      })
    const first = await send()
    const second = await send()
    expect(second.headers.get('idempotent-replayed')).toBe('true')
    expect(second.body.ids).toEqual(first.body.ids)
    expect(
      (await t.wiro('Logs', { useragentguid: first.body.useragentguid, date: DAY })).body
        .totalLines,
    ).toBe(1)
  })
})
