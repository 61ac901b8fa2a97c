import { AgentTrail, AgentTrailError, TrailReader } from 'agenttrail'
import type { EventPage, StoredEvent } from 'agenttrail'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLiveServer } from '../helpers/live-server.js'
import type { LiveServer } from '../helpers/live-server.js'
import { DIALECTS } from '../helpers/test-app.js'

type Json = Record<string, any>
const ORG = 'org-reader'
const PROMPT = 'You are the billing assistant.'

/** The SDK's read client against the real server, on seeded data: one method per GET route. */
describe.each(DIALECTS)('TrailReader against the real server (%s)', (dialect) => {
  let live: LiveServer
  let readKey: string
  let controlKey: string
  let reader: TrailReader
  /** Every URL the reader asked for, to check how it spells a query. */
  const sent: string[] = []
  const base = Math.floor((Date.now() - 3_600_000) / 1000) * 1000
  const seeded: Record<string, string> = {}

  const call = async (key: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${live.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    return { status: res.status, body: (await res.json()) as Json }
  }

  beforeAll(async () => {
    live = await startLiveServer(dialect)
    ;[readKey, controlKey] = await Promise.all([
      live.key(ORG, ['read']),
      live.key(ORG, ['control', 'read']),
    ])
    const adminKey = await live.key(ORG, ['admin'])
    reader = new TrailReader({
      apiKey: readKey,
      baseUrl: live.url,
      fetch: (url, init) => {
        sent.push(url)
        return fetch(url, init)
      },
    })
    const events = [
      // Seven of `pager`, one second apart, to page through three at a time.
      ...Array.from({ length: 7 }, (_, i) => ({
        ts: base + i * 1000,
        agent: 'pager',
        title: `p${i}`,
      })),
      // A trace sent out of order: the reader gives it back oldest first.
      ...[3, 1, 4, 0, 2].map((s) => ({
        ts: base + 60_000 + s * 1000,
        agent: 'tracer',
        trace_id: 'tr-1',
        title: `step ${s}`,
      })),
      {
        ts: base + 120_000,
        agent: 'chatter',
        kind: 'llm_call',
        conversation_id: 'conv-r',
        model: 'gpt-4o-mini',
        provider: 'openai',
        system_prompt: PROMPT,
        tokens_input: 40,
        tokens_output: 10,
        cost_usd: 0.25,
        input: { messages: [{ role: 'user', content: 'Where is my invoice?' }] },
        output: { text: 'It was sent on Monday.' },
      },
      {
        ts: base + 121_000,
        agent: 'chatter',
        kind: 'tool_call',
        status: 'error',
        conversation_id: 'conv-r',
        action: 'find_invoice',
      },
      { ts: base + 130_000, agent: 'stager', environment: 'staging', title: 'in staging' },
    ]
    const res = await call(adminKey, 'POST', '/api/v1/events/batch', { events })
    expect(res.status).toBe(201)
    const ids = (res.body.accepted as Json[]).map((a) => a.id as string)
    seeded.llm = ids[12]!
    seeded.tool = ids[13]!
    const policy = await call(controlKey, 'POST', '/api/v1/policies', {
      agent_name: 'payer',
      rule_type: 'require_approval',
      rule_config: { services: ['stripe'] },
    })
    expect(policy.status).toBe(201)
    seeded.policy = policy.body.policy.id
    const budget = await call(controlKey, 'POST', '/api/v1/budgets', {
      agent_name: 'spender',
      period: 'daily',
      max_actions: 5,
    })
    expect(budget.status).toBe(201)
    seeded.budget = budget.body.id
    const asked = await call(adminKey, 'POST', '/api/v1/check', {
      agent: 'payer',
      service: 'stripe',
      action: 'charge',
    })
    expect(asked.body).toMatchObject({ requiresApproval: true })
    seeded.approval = asked.body.approvalId
    // A kill raises a critical alert.
    expect((await call(controlKey, 'POST', '/api/v1/agents/rogue/kill')).status).toBe(200)
  })
  afterAll(() => live.close())

  const lastSent = () => new URL(sent[sent.length - 1]!)

  it('says which key it holds: whoami', async () => {
    const me = await reader.whoami()
    expect(me).toEqual({
      org_id: ORG,
      key: { id: expect.any(String), name: 'test', prefix: readKey.slice(0, 10), scopes: ['read'] },
    })
  })

  it('finds events with filters, camelCase names sent in snake_case and Dates as ISO 8601', async () => {
    const from = new Date(base + 60_000)
    const to = new Date(base + 63_000)
    const page = await reader.events({ traceId: 'tr-1', from, to, limit: 10 })
    expect(page.events.map((e) => e.title)).toEqual(['step 2', 'step 1', 'step 0'])
    expect(page.next_cursor).toBeNull()
    const url = lastSent()
    expect(url.pathname).toBe('/api/v1/events')
    expect(Object.fromEntries(url.searchParams)).toEqual({
      trace_id: 'tr-1',
      from: from.toISOString(),
      to: to.toISOString(),
      limit: '10',
    })
    const conv = await reader.events({ conversationId: 'conv-r', status: 'error' })
    expect(conv.events.map((e) => e.id)).toEqual([seeded.tool])
    expect(lastSent().searchParams.get('conversation_id')).toBe('conv-r')
    const staging = await reader.events({ environment: 'staging' })
    expect(staging.events.map((e) => e.agent)).toEqual(['stager'])
    expect((await reader.events({ q: 'staging' })).events.map((e) => e.agent)).toEqual(['stager'])
  })

  it('walks every page with the cursor, and resumes from a page’s cursor', async () => {
    const pages: EventPage[] = []
    for await (const page of reader.pages({ agent: 'pager', limit: 3 })) pages.push(page)
    expect(pages.map((p) => p.events.length)).toEqual([3, 3, 1])
    const titles = pages.flatMap((p) => p.events.map((e) => e.title))
    expect(titles).toEqual(['p6', 'p5', 'p4', 'p3', 'p2', 'p1', 'p0'])
    expect(pages[2]!.next_cursor).toBeNull()
    const resumed: StoredEvent[] = []
    for await (const page of reader.pages({
      agent: 'pager',
      limit: 3,
      cursor: pages[0]!.next_cursor!,
    }))
      resumed.push(...page.events)
    expect(resumed.map((e) => e.title)).toEqual(['p3', 'p2', 'p1', 'p0'])
    // Without a limit a page holds up to 1000.
    const all = reader.pages({ agent: 'pager' })
    expect((await all.next()).value?.events).toHaveLength(7)
    expect(lastSent().searchParams.get('limit')).toBe('1000')
  })

  it('reads one event in full, with its evaluations', async () => {
    const event = await reader.event(seeded.llm!)
    expect(event).toMatchObject({
      id: seeded.llm,
      kind: 'llm_call',
      model: 'gpt-4o-mini',
      conversation_id: 'conv-r',
      evaluations: [],
    })
  })

  it('gives a trace oldest first, keeps the newest when it cuts it to `limit`, and says so', async () => {
    const whole = await reader.trace('tr-1')
    expect(whole.trace_id).toBe('tr-1')
    expect(whole.events.map((e) => e.title)).toEqual([0, 1, 2, 3, 4].map((s) => `step ${s}`))
    expect(whole.truncated).toBe(false)
    expect((await reader.trace('tr-1', { limit: 5 })).truncated).toBe(false)
    const before = sent.length
    const cut = await reader.trace('tr-1', { limit: 2 })
    expect(cut.events.map((e) => e.title)).toEqual(['step 3', 'step 4'])
    expect(cut.truncated).toBe(true)
    // Enough to know there is more, and no more: one page of limit + 1.
    expect(sent.length - before).toBe(1)
    expect(lastSent().searchParams.get('limit')).toBe('3')
    const before2 = sent.length
    for (const limit of [0, -1, 1.5, 10_001, Number.NaN]) {
      const bad = await reader.trace('tr-1', { limit }).catch((e: unknown) => e)
      expect(bad, String(limit)).toBeInstanceOf(AgentTrailError)
      expect(bad, String(limit)).toMatchObject({ code: 'invalid_argument' })
      expect((bad as Error).message).toContain('limit from 1 to 10000')
    }
    expect(sent.length).toBe(before2)
    expect((await reader.trace('tr-1', { limit: 1 })).events.map((e) => e.title)).toEqual([
      'step 4',
    ])
    const unknown = await reader.trace('tr-none').catch((e: unknown) => e)
    expect(unknown).toBeInstanceOf(AgentTrailError)
    expect(unknown).toMatchObject({ status: 404, code: 'not_found' })
  })

  it('counts: stats over a range and per agent', async () => {
    const stats = await reader.stats({ agent: 'pager', from: new Date(base), to: base + 3_600_000 })
    expect(stats.totals).toMatchObject({ events: 7, success: 7 })
    const chat = await reader.stats({ agent: 'chatter' })
    expect(chat.tokens).toMatchObject({ input: 40, output: 10, total: 50 })
    expect(chat.cost_usd).toBe(0.25)
    expect(chat.by_model).toContainEqual(expect.objectContaining({ model: 'gpt-4o-mini' }))
  })

  it('lists agents, and one agent per environment', async () => {
    const agents = await reader.agents()
    expect(agents).toContainEqual(
      expect.objectContaining({ name: 'pager', environment: 'production', events: 7 }),
    )
    expect(agents).toContainEqual(expect.objectContaining({ name: 'rogue', status: 'killed' }))
    const staging = await reader.agents({ environment: 'staging' })
    expect(staging.map((a) => a.name)).toEqual(['stager'])
    const one = await reader.agent('chatter')
    expect(one).toMatchObject({ name: 'chatter', environments: [{ events: 2, errors: 1 }] })
  })

  it('reads conversations, a timeline and one call in full', async () => {
    const list = await reader.conversations({ agent: 'chatter' })
    expect(list.conversations).toEqual([
      expect.objectContaining({ conversation_id: 'conv-r', events: 2, errors: 1 }),
    ])
    const timeline = await reader.conversation('conv-r', { limit: 1 })
    expect(timeline.events.map((e: Json) => e.id)).toEqual([seeded.llm])
    const rest = await reader.conversation('conv-r', { cursor: timeline.next_cursor })
    expect(rest.events.map((e: Json) => e.id)).toEqual([seeded.tool])
    const call = await reader.call('conv-r', seeded.llm!)
    expect(call).toMatchObject({ system_prompt: { text: PROMPT }, model: 'gpt-4o-mini' })
  })

  it('reads alerts, approvals, a policy and a budget', async () => {
    const alerts = await reader.alerts({ agent: 'rogue' })
    expect(alerts.map((a) => a.alert_type)).toEqual(['agent_killed'])
    expect(await reader.alert(alerts[0]!.id)).toMatchObject({
      id: alerts[0]!.id,
      severity: 'critical',
    })
    expect(await reader.alerts({ agent: 'rogue', all: true, state: 'firing' })).toHaveLength(1)
    expect(lastSent().searchParams.get('all')).toBe('true')
    const pending = await reader.approvals({ status: 'pending', agent: 'payer' })
    expect(pending.map((a) => a.id)).toEqual([seeded.approval])
    expect(await reader.approval(seeded.approval!)).toMatchObject({
      id: seeded.approval,
      status: 'pending',
      agent_name: 'payer',
    })
    expect(await reader.policy(seeded.policy!)).toMatchObject({
      id: seeded.policy,
      rule_type: 'require_approval',
      agent_name: 'payer',
    })
    expect(await reader.budget(seeded.budget!)).toMatchObject({
      id: seeded.budget,
      agent_name: 'spender',
      max_actions: 5,
    })
  })

  it('sends any request with request(), its query in snake_case', async () => {
    const { policies } = await reader.request('GET', '/api/v1/policies', {
      query: { agentName: 'payer' },
    })
    expect(policies.map((p: Json) => p.id)).toEqual([seeded.policy])
    expect(lastSent().search).toBe('?agent_name=payer')
  })

  it('rejects with the status, the server’s code and its message', async () => {
    const raw = await call(readKey, 'GET', '/api/v1/events?from=last-week')
    const error = (await reader.events({ from: 'last-week' }).catch((e) => e)) as AgentTrailError
    expect(error).toBeInstanceOf(AgentTrailError)
    expect(error).toMatchObject({ status: 400, code: 'invalid_query', retryable: false })
    expect(error.message).toBe(
      `AgentTrail: GET /api/v1/events failed (400 invalid_query): ${raw.body.error}`,
    )
    expect(error.details?.[0]?.path).toBe('from')
    const missing = (await reader.event('nope').catch((e) => e)) as AgentTrailError
    expect(missing).toMatchObject({ status: 404, code: 'not_found' })
    expect(missing.message).toContain('no event with this id in your org')
    const ingestOnly = new TrailReader({
      apiKey: await live.key(ORG, ['ingest']),
      baseUrl: live.url,
    })
    await expect(ingestOnly.stats()).rejects.toMatchObject({ status: 403, code: 'forbidden' })
    const stranger = new TrailReader({ apiKey: 'at_' + 'x'.repeat(40), baseUrl: live.url })
    await expect(stranger.whoami()).rejects.toMatchObject({ status: 401, code: 'unauthorized' })
  })

  it('checks the key’s prefix by default, and leaves a key the operator chose to the server with keyCheck: false', async () => {
    const chosen = await live.key(ORG, ['read'], undefined, 'operator-chosen-key-0003')
    expect(() => new TrailReader({ apiKey: chosen, baseUrl: live.url })).toThrow(
      /^AgentTrail: Invalid API key\. Keys start with "at_"/,
    )
    expect(() => new AgentTrail({ apiKey: chosen, baseUrl: live.url })).toThrow(/Invalid API key/)
    const lenient = new TrailReader({ apiKey: chosen, baseUrl: live.url, keyCheck: false })
    expect((await lenient.whoami()).key.scopes).toEqual(['read'])
    const trail = new AgentTrail({
      apiKey: chosen,
      baseUrl: live.url,
      keyCheck: false,
      flushOnExit: false,
    })
    try {
      expect((await trail.read.whoami()).key.scopes).toEqual(['read'])
    } finally {
      await trail.shutdown()
    }
    const wrong = new TrailReader({ apiKey: 'operator-wrong', baseUrl: live.url, keyCheck: false })
    await expect(wrong.whoami()).rejects.toMatchObject({ status: 401, code: 'unauthorized' })
    expect(() => new TrailReader({ apiKey: '', baseUrl: live.url, keyCheck: false })).toThrow(
      /Invalid API key/,
    )
  })

  it('refuses an id or name of ".", ".." or nothing before any request, as URL parsing would change the route', async () => {
    const before = sent.length
    const calls: Array<[string, () => Promise<unknown>]> = [
      ['event', () => reader.event('..')],
      ['event', () => reader.event('.')],
      ['event', () => reader.event('')],
      ['agent', () => reader.agent('..')],
      ['conversation', () => reader.conversation('..')],
      ['call', () => reader.call('conv-r', '..')],
      ['call', () => reader.call('.', 'x')],
      ['alert', () => reader.alert('..')],
      ['approval', () => reader.approval('..')],
      ['policy', () => reader.policy('..')],
      ['budget', () => reader.budget('..')],
    ]
    for (const [name, run] of calls) {
      const error = await run().catch((e: unknown) => e)
      expect(error, name).toBeInstanceOf(AgentTrailError)
      expect(error, name).toMatchObject({ code: 'invalid_argument' })
    }
    expect(sent.length).toBe(before)
    await expect(reader.event('..')).rejects.toThrow('AgentTrail: id may not be ".."')
    await expect(reader.event('')).rejects.toThrow('AgentTrail: id may not be empty')
    // Dots inside an id are an id like any other.
    await expect(reader.event('..x')).rejects.toMatchObject({ status: 404 })
  })

  it('is AgentTrail#read on the client’s own connection', async () => {
    const trail = new AgentTrail({ apiKey: readKey, baseUrl: live.url, flushOnExit: false })
    try {
      expect(trail.read).toBeInstanceOf(TrailReader)
      expect(trail.read).toBe(trail.read)
      expect((await trail.read.whoami()).key.scopes).toEqual(['read'])
      expect((await trail.read.events({ agent: 'pager', limit: 2 })).events).toHaveLength(2)
    } finally {
      await trail.shutdown()
    }
  })
})
