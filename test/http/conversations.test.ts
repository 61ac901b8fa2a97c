import { createHash } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DIALECTS, createTestApp } from '../helpers/test-app.js'
import type { TestApp } from '../helpers/test-app.js'

const PROMPT = 'You are Quill, a blog assistant. Fetch sources before you write; cite every link.'
const PROMPT_SHA = createHash('sha256').update(PROMPT).digest('hex')
const FEED = 'https://blog.example.com/feed.json'
const RATE_1 = {
  'anthropic-ratelimit-requests-limit': '50',
  'anthropic-ratelimit-requests-remaining': '49',
  'anthropic-ratelimit-tokens-remaining': '79000',
  'anthropic-ratelimit-requests-reset': '2026-05-03T14:01:00Z',
}
const RATE_2 = {
  ...RATE_1,
  'anthropic-ratelimit-requests-remaining': '48',
  'anthropic-ratelimit-tokens-remaining': '76800',
}

/** An agent loop as a plugin logs it: LLM call → tool → two HTTP tries → LLM call. */
const blogConversation = (cid = 'conv-blog') => [
  {
    ts: '2026-05-03T14:00:00.000Z',
    conversation_id: cid,
    agent: 'writer-bot',
    kind: 'llm_call',
    title: 'LLM call',
    provider: 'anthropic',
    model: 'claude-sonnet-4-5',
    system_prompt: PROMPT,
    messages: [{ role: 'user', content: 'Draft this week’s roundup post from our feed' }],
    thinking: 'The user wants a roundup. I should read the feed first.',
    output: {
      content: [
        { type: 'text', text: 'Let me read the feed first.' },
        { type: 'tool_use', id: 'toolu_01', name: 'web_fetch', input: { url: FEED } },
      ],
    },
    tool_calls: [{ type: 'tool_use', id: 'toolu_01', name: 'web_fetch', input: { url: FEED } }],
    stop_reason: 'tool_use',
    tokens_input: 1200,
    tokens_output: 300,
    tokens_cache_write: 1000,
    cost_usd: '0.0123',
    duration_ms: 2100,
    rate_limit: RATE_1,
  },
  {
    ts: '2026-05-03T14:00:02.150Z',
    conversation_id: cid,
    agent: 'writer-bot',
    kind: 'tool_call',
    action: 'web_fetch',
    span_id: 'span-tool-1',
    metadata: { tool_call_id: 'toolu_01' },
    input: { url: FEED },
    output: { status: 200, items: 3 },
    duration_ms: 1840,
  },
  {
    ts: '2026-05-03T14:00:02.200Z',
    conversation_id: cid,
    agent: 'writer-bot',
    kind: 'http_call',
    service: 'blog',
    parent_span_id: 'span-tool-1',
    status: 'error',
    input: { method: 'get', url: FEED },
    output: { status: 503 },
    error: { message: 'Service Unavailable' },
    duration_ms: 120,
  },
  {
    // A plugin that logs the request as top-level fields: they are kept under metadata and read from there.
    ts: '2026-05-03T14:00:02.500Z',
    conversation_id: cid,
    agent: 'writer-bot',
    kind: 'http_call',
    service: 'blog',
    parent_span_id: 'span-tool-1',
    method: 'GET',
    url: FEED,
    status_code: 200,
    duration_ms: 900,
  },
  {
    ts: '2026-05-03T14:00:04.100Z',
    conversation_id: cid,
    agent: 'writer-bot',
    kind: 'llm_call',
    provider: 'anthropic',
    model: 'claude-sonnet-4-5',
    system_prompt: PROMPT,
    messages: [
      { role: 'user', content: 'Draft this week’s roundup post from our feed' },
      {
        role: 'assistant',
        content: [{ type: 'tool_use', id: 'toolu_01', name: 'web_fetch', input: { url: FEED } }],
      },
      {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: 'toolu_01', content: '{"items":3}' }],
      },
    ],
    output: {
      content: [{ type: 'text', text: 'Here is your weekly roundup: three tools worth a look.' }],
    },
    stop_reason: 'end_turn',
    tokens_input: 1500,
    tokens_output: 700,
    tokens_cache_read: 1000,
    cost_usd: '0.0098',
    duration_ms: 3200,
    rate_limit: RATE_2,
  },
]

const at = (ts: string, fields: object) => ({ ts, ...fields })

/** Conversations on other days, agents, models and environments, for the filters. */
const others = [
  at('2026-05-01T09:00:00Z', {
    conversation_id: 'conv-a',
    agent: 'support-bot',
    kind: 'llm_call',
    model: 'gpt-4o',
    title: 'Refund question',
  }),
  at('2026-05-01T09:00:05Z', {
    conversation_id: 'conv-a',
    agent: 'support-bot',
    kind: 'tool_call',
    action: 'lookup_order',
  }),
  at('2026-05-02T23:59:59.999Z', {
    conversation_id: 'conv-b',
    agent: 'support-bot',
    kind: 'llm_call',
    model: 'gpt-4o-mini',
  }),
  at('2026-05-04T00:00:00Z', {
    conversation_id: 'conv-c',
    agent: 'writer-bot',
    kind: 'llm_call',
    model: 'gpt-4o',
    metadata: { subject: 'SEO pass' },
  }),
  at('2026-05-03T10:00:00Z', {
    conversation_id: 'conv-s',
    agent: 'writer-bot',
    kind: 'llm_call',
    model: 'gpt-4o',
    environment: 'staging',
  }),
  at('2026-05-03T11:00:00Z', {
    agent: 'writer-bot',
    kind: 'llm_call',
    model: 'gpt-4o',
    title: 'outside any conversation',
  }),
]

describe.each(DIALECTS)('conversations (%s)', (dialect) => {
  let t: TestApp
  let reader: string
  beforeEach(async () => {
    t = await createTestApp({}, dialect)
    reader = await t.key('org-a', ['read'])
  })
  afterEach(() => t.close())

  const ingest = async (events: object[], key = t.adminKey) => {
    const res = await t.json('POST', '/api/v1/events/batch', { key, body: { events } })
    expect(res.status).toBe(201)
    return res.body.accepted as Array<{ id: string; seq: number }>
  }
  const get = (path: string, key = reader) => t.json('GET', path, { key })
  const ids = async (query: string) =>
    (await get(`/api/v1/conversations${query}`)).body.conversations.map(
      (c: { conversation_id: string }) => c.conversation_id,
    )

  it('lists a conversation with its subject, agent, calls, tokens, cost, time span, models and errors', async () => {
    await ingest(blogConversation())
    const res = await get('/api/v1/conversations')
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      conversations: [
        {
          conversation_id: 'conv-blog',
          subject: 'Draft this week’s roundup post from our feed',
          agent: 'writer-bot',
          agents: ['writer-bot'],
          environment: 'production',
          models: ['claude-sonnet-4-5'],
          calls: { llm: 2, tool: 1, http: 2, total: 5 },
          events: 5,
          errors: 1,
          tokens: { input: 2700, output: 1000, cached: 1000, cache_write: 1000, total: 3700 },
          cost_usd: 0.0221,
          started_at: '2026-05-03T14:00:00.000Z',
          ended_at: '2026-05-03T14:00:07.300Z',
          duration_ms: 7300,
          last_event_at: '2026-05-03T14:00:04.100Z',
        },
      ],
      next_cursor: null,
    })
  })

  it('shows the timeline in order with models, tokens, cost, durations, tools and their results, HTTP calls and stop reasons', async () => {
    const receipts = await ingest(blogConversation())
    const res = await get('/api/v1/conversations/conv-blog/timeline')
    expect(res.status).toBe(200)
    const [first, tool, failed, fetched, second] = res.body.events
    expect(res.body).toMatchObject({ conversation_id: 'conv-blog', next_cursor: null, last_seq: 5 })
    expect(res.body.events.map((e: { kind: string }) => e.kind)).toEqual([
      'llm_call',
      'tool_call',
      'http_call',
      'http_call',
      'llm_call',
    ])
    expect(first).toMatchObject({
      id: receipts[0]!.id,
      model: 'claude-sonnet-4-5',
      tokens: { input: 1200, output: 300, cached: null, cache_write: 1000, total: 1500 },
      cost_usd: 0.0123,
      duration_ms: 2100,
      stop_reason: 'tool_use',
      has_thinking: true,
      system_prompt_sha256: PROMPT_SHA,
      input: null,
      output: null,
      tools_called: [
        {
          id: 'toolu_01',
          name: 'web_fetch',
          input: { url: FEED },
          result: { status: 200, items: 3 },
          status: 'success',
          duration_ms: 1840,
          result_event_id: receipts[1]!.id,
        },
      ],
    })
    expect(first).not.toHaveProperty('messages')
    expect(tool).toMatchObject({
      tool: { call_id: 'toolu_01', name: 'web_fetch' },
      input: { url: FEED },
      output: { status: 200, items: 3 },
    })
    expect(failed).toMatchObject({
      status: 'error',
      http: { method: 'GET', url: FEED, status: 503 },
      error: { message: 'Service Unavailable' },
    })
    expect(fetched).toMatchObject({
      status: 'success',
      http: { method: 'GET', url: FEED, status: 200 },
      parent_span_id: 'span-tool-1',
    })
    expect(second).toMatchObject({
      tokens: { input: 1500, output: 700, cached: 1000, cache_write: null, total: 2200 },
      cost_usd: 0.0098,
      stop_reason: 'end_turn',
      tools_called: [],
    })
  })

  it('gives the full detail of each LLM call, with the system prompt stored once and shared by both', async () => {
    const receipts = await ingest(blogConversation())
    const one = await get(`/api/v1/conversations/conv-blog/calls/${receipts[0]!.id}`)
    expect(one.status).toBe(200)
    expect(one.body).toMatchObject({
      id: receipts[0]!.id,
      conversation_id: 'conv-blog',
      kind: 'llm_call',
      provider: 'anthropic',
      model: 'claude-sonnet-4-5',
      system_prompt: { sha256: PROMPT_SHA, text: PROMPT },
      messages: [{ role: 'user', content: 'Draft this week’s roundup post from our feed' }],
      response_text: 'Let me read the feed first.',
      thinking: 'The user wants a roundup. I should read the feed first.',
      tool_calls: [
        {
          id: 'toolu_01',
          name: 'web_fetch',
          input: { url: FEED },
          result: { status: 200, items: 3 },
          duration_ms: 1840,
        },
      ],
      error: null,
      tokens: { input: 1200, output: 300, cached: null, cache_write: 1000, total: 1500 },
      cost_usd: 0.0123,
      cost_source: 'client',
      stop_reason: 'tool_use',
      duration_ms: 2100,
      rate_limit: RATE_1,
    })
    const two = await get(`/api/v1/conversations/conv-blog/calls/${receipts[4]!.id}`)
    expect(two.body).toMatchObject({
      system_prompt: { sha256: PROMPT_SHA, text: PROMPT },
      response_text: 'Here is your weekly roundup: three tools worth a look.',
      thinking: null,
      tool_calls: [],
      tokens: { cached: 1000 },
      stop_reason: 'end_turn',
      rate_limit: RATE_2,
    })
    expect(two.body.messages).toHaveLength(3)
    // A later call that sends only the hash gets the text stored by the first.
    const [third] = await ingest([
      { conversation_id: 'conv-blog', kind: 'llm_call', system_prompt_sha256: PROMPT_SHA },
    ])
    expect(
      (await get(`/api/v1/conversations/conv-blog/calls/${third!.id}`)).body.system_prompt,
    ).toEqual({
      sha256: PROMPT_SHA,
      text: PROMPT,
    })
    const http = await get(`/api/v1/conversations/conv-blog/calls/${receipts[2]!.id}`)
    expect(http.body).toMatchObject({
      kind: 'http_call',
      http: { method: 'GET', url: FEED, status: 503 },
      system_prompt: null,
    })
  })

  it('follows a live conversation: pages of one snapshot, then only what was committed since', async () => {
    await ingest(blogConversation())
    const seqs: number[] = []
    let res = await get('/api/v1/conversations/conv-blog/timeline?limit=2')
    seqs.push(...res.body.events.map((e: { seq: number }) => e.seq))
    const snapshot = res.body.last_seq
    await ingest([
      {
        ts: '2026-05-03T14:00:01.000Z',
        conversation_id: 'conv-blog',
        kind: 'action',
        title: 'arrived while paging',
      },
    ])
    while (res.body.next_cursor) {
      res = await get(
        `/api/v1/conversations/conv-blog/timeline?limit=2&cursor=${res.body.next_cursor}`,
      )
      expect(res.body.last_seq).toBe(snapshot)
      seqs.push(...res.body.events.map((e: { seq: number }) => e.seq))
    }
    expect(seqs).toEqual([1, 2, 3, 4, 5])
    const since = await get(`/api/v1/conversations/conv-blog/timeline?since=${snapshot}`)
    expect(since.body.events.map((e: { title: string }) => e.title)).toEqual([
      'arrived while paging',
    ])
    expect(since.body.last_seq).toBe(6)
    const quiet = await get('/api/v1/conversations/conv-blog/timeline?since=6')
    expect(quiet.body).toMatchObject({ events: [], last_seq: 6, next_cursor: null })
  })

  it('filters by date range (whole UTC days, to included), agent, model and environment', async () => {
    await ingest([...others, ...blogConversation()])
    expect(await ids('')).toEqual(['conv-c', 'conv-blog', 'conv-s', 'conv-b', 'conv-a'])
    expect(await ids('?from=2026-05-02&to=2026-05-03')).toEqual(['conv-blog', 'conv-s', 'conv-b'])
    expect(await ids('?from=2026-05-03&to=2026-05-03')).toEqual(['conv-blog', 'conv-s'])
    expect(await ids('?from=2026-05-03')).toEqual(['conv-c', 'conv-blog', 'conv-s'])
    expect(await ids('?to=2026-05-02')).toEqual(['conv-b', 'conv-a'])
    expect(await ids('?from=2026-05-03T14:00:04Z&to=2026-05-03T23:00:00%2B02:00')).toEqual([
      'conv-blog',
    ])
    expect(await ids('?from=2026-05-03T14:00:04.101Z')).toEqual(['conv-c'])
    expect(await ids('?agent=support-bot')).toEqual(['conv-b', 'conv-a'])
    expect(await ids('?model=gpt-4o')).toEqual(['conv-c', 'conv-s', 'conv-a'])
    expect(await ids('?model=claude-sonnet-4-5&agent=writer-bot')).toEqual(['conv-blog'])
    expect(await ids('?model=gpt-4o&agent=support-bot&from=2026-05-02')).toEqual([])
    expect(await ids('?environment=staging')).toEqual(['conv-s'])
    expect(await ids('?environment=production&model=gpt-4o')).toEqual(['conv-c', 'conv-a'])
    expect(await ids('?agent=nobody')).toEqual([])
    const rows = (await get('/api/v1/conversations')).body.conversations
    expect([rows[0].subject, rows[2].subject, rows[4].subject]).toEqual([
      'SEO pass',
      null,
      'Refund question',
    ])
  })

  it('pages through every conversation with a stable cursor', async () => {
    const many = Array.from({ length: 13 }, (_, i) => ({
      ts: Date.parse('2026-05-05T00:00:00Z') + (i % 4) * 1000,
      conversation_id: `page-${String(i).padStart(2, '0')}`,
      kind: 'llm_call',
    }))
    await ingest(many)
    const seen: string[] = []
    let res = await get('/api/v1/conversations?limit=5')
    seen.push(...res.body.conversations.map((c: { conversation_id: string }) => c.conversation_id))
    while (res.body.next_cursor) {
      expect(res.body.conversations).toHaveLength(5)
      res = await get(`/api/v1/conversations?limit=5&cursor=${res.body.next_cursor}`)
      seen.push(
        ...res.body.conversations.map((c: { conversation_id: string }) => c.conversation_id),
      )
    }
    const expected = [...many]
      .sort((x, y) => y.ts - x.ts || (y.conversation_id < x.conversation_id ? -1 : 1))
      .map((m) => m.conversation_id)
    expect(seen).toEqual(expected)
  })

  it.each([
    ['/api/v1/conversations?from=2026-13-01', 'from'],
    ['/api/v1/conversations?from=2026-02-30', 'from'],
    ['/api/v1/conversations?from=yesterday', 'from'],
    ['/api/v1/conversations?to=2026-05-03T25:00:00Z', 'to'],
    ['/api/v1/conversations?to=2026-05-03T10:00:00', 'to'],
    ['/api/v1/conversations?limit=0', 'limit'],
    ['/api/v1/conversations?limit=201', 'limit'],
    ['/api/v1/conversations?limit=ten', 'limit'],
    ['/api/v1/conversations?agent=', 'agent'],
    ['/api/v1/conversations?model=', 'model'],
    ['/api/v1/conversations?environment=', 'environment'],
    ['/api/v1/conversations/conv-blog/timeline?since=-1', 'since'],
    ['/api/v1/conversations/conv-blog/timeline?since=abc', 'since'],
    ['/api/v1/conversations/conv-blog/timeline?limit=0', 'limit'],
    ['/api/v1/conversations/conv-blog/timeline?limit=1001', 'limit'],
  ])('rejects %s naming %s', async (path, param) => {
    await ingest(blogConversation())
    const res = await get(path)
    expect(res.status).toBe(400)
    expect(res.body.code).toBe('invalid_query')
    expect(res.body.details[0].path).toBe(param)
  })

  it('rejects a reversed range, cursors it did not issue, and since together with a cursor', async () => {
    await ingest(blogConversation())
    const timelineCursor = (await get('/api/v1/conversations/conv-blog/timeline?limit=1')).body
      .next_cursor
    await ingest(others)
    const listCursor = (await get('/api/v1/conversations?limit=1')).body.next_cursor
    for (const [path, code] of [
      ['/api/v1/conversations?from=2026-05-04&to=2026-05-03', 'invalid_query'],
      ['/api/v1/conversations?from=2026-05-03T12:00:00Z&to=2026-05-03T12:00:00Z', 'invalid_query'],
      ['/api/v1/conversations?cursor=bogus', 'invalid_cursor'],
      [
        `/api/v1/conversations?cursor=${Buffer.from('["c",-1,"x"]').toString('base64url')}`,
        'invalid_cursor',
      ],
      [`/api/v1/conversations?cursor=${timelineCursor}`, 'invalid_cursor'],
      ['/api/v1/conversations/conv-blog/timeline?cursor=bogus', 'invalid_cursor'],
      [`/api/v1/conversations/conv-blog/timeline?cursor=${listCursor}`, 'invalid_cursor'],
      [
        `/api/v1/conversations/conv-blog/timeline?cursor=${timelineCursor}&since=0`,
        'invalid_query',
      ],
    ]) {
      const res = await get(path as string)
      expect(res.status, path).toBe(400)
      expect(res.body.code).toBe(code)
      expect(typeof res.body.error).toBe('string')
    }
  })

  it('answers 404 with the native error body for an unknown conversation or call', async () => {
    const receipts = await ingest([...blogConversation(), ...others])
    const outside = receipts[receipts.length - 1]!.id
    for (const path of [
      '/api/v1/conversations/no-such/timeline',
      '/api/v1/conversations/no-such/calls/' + receipts[0]!.id,
      '/api/v1/conversations/conv-a/calls/' + receipts[0]!.id,
      '/api/v1/conversations/conv-blog/calls/' + outside,
      '/api/v1/conversations/conv-blog/calls/not-an-id',
    ]) {
      const res = await get(path)
      expect(res.status, path).toBe(404)
      expect(res.body).toEqual({ error: expect.any(String), code: 'not_found' })
    }
  })

  it('never shows another org a conversation, its timeline, its calls or its prompt', async () => {
    const receipts = await ingest(blogConversation())
    const other = await t.key('org-b', ['read', 'ingest'])
    expect((await get('/api/v1/conversations', other)).body).toEqual({
      conversations: [],
      next_cursor: null,
    })
    expect((await get('/api/v1/conversations/conv-blog/timeline', other)).status).toBe(404)
    expect(
      (await get(`/api/v1/conversations/conv-blog/calls/${receipts[0]!.id}`, other)).status,
    ).toBe(404)
    // Same conversation id and prompt hash in org-b: its own event only, and no text it never sent.
    const [mine] = await ingest(
      [{ conversation_id: 'conv-blog', kind: 'llm_call', system_prompt_sha256: PROMPT_SHA }],
      other,
    )
    const list = (await get('/api/v1/conversations', other)).body.conversations
    expect(list).toMatchObject([
      { conversation_id: 'conv-blog', events: 1, calls: { llm: 1, total: 1 }, cost_usd: 0 },
    ])
    expect((await get('/api/v1/conversations/conv-blog/timeline', other)).body.events).toHaveLength(
      1,
    )
    const detail = await get(`/api/v1/conversations/conv-blog/calls/${mine!.id}`, other)
    expect(detail.body.system_prompt).toEqual({ sha256: PROMPT_SHA, text: null })
  })

  it('needs a key with the read scope', async () => {
    const writer = await t.key('org-a', ['ingest'])
    for (const path of [
      '/api/v1/conversations',
      '/api/v1/conversations/x/timeline',
      '/api/v1/conversations/x/calls/y',
    ]) {
      expect((await t.json('GET', path, { key: writer })).status).toBe(403)
      expect((await t.json('GET', path)).status).toBe(401)
    }
  })
})
