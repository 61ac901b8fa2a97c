import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { newEvent, seeded } from '../../../../test/helpers/events.js'
import type { ConversationFilter, ConversationSummary } from './conversation-store.js'
import type { Store } from './store.js'
import { DAY_MS, HOUR_MS } from './time-buckets.js'

type Fields = Record<string, unknown> & {
  ts: number
  environment: string
  conversation_id?: string
}

const START = Date.parse('2026-05-10T00:00:00Z')
const KINDS = ['llm_call', 'llm_call', 'tool_call', 'http_call', 'action'] as const

/**
 * Events of 40 conversations over five days (agents, models, environments, cached tokens, tool and
 * HTTP calls, errors), some events outside any conversation, and org-b events that reuse the same
 * conversation ids. Each conversation's subject is known by construction (`expectedSubject`).
 */
function generate(): {
  fields: Fields[]
  expectedSubject: Map<string, string | null>
  others: Fields[]
} {
  const rand = seeded(2024)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T
  const fields: Fields[] = []
  const expectedSubject = new Map<string, string | null>()
  for (let c = 0; c < 40; c++) {
    const cid = `conv-${String(c).padStart(2, '0')}`
    const base = START + Math.floor(rand() * 5 * DAY_MS)
    const env = c < 3 ? null : rand() < 0.7 ? 'production' : 'staging' // the first three mix environments
    const agents = c % 5 === 0 ? ['a', 'b'] : [pick(['a', 'b', 'c'])]
    const n = 3 + Math.floor(rand() * 12)
    const events: Fields[] = []
    for (let i = 0; i < n; i++) {
      const kind = pick(KINDS)
      // The first event is the earliest; ties in ts happen on purpose (seq then decides).
      const ts =
        i === 0 ? base : base + 1 + Math.floor(rand() * 3) * Math.floor(rand() * 2 * HOUR_MS)
      events.push({
        ts,
        conversation_id: cid,
        environment: env ?? (i % 2 ? 'staging' : 'production'),
        agent: i === 0 && c % 7 === 0 ? undefined : pick(agents),
        kind,
        status: rand() < 0.15 ? 'error' : 'success',
        model: kind === 'llm_call' ? pick(['m1', 'm2', 'm3']) : undefined,
        tokens_input: kind === 'llm_call' ? Math.floor(rand() * 2000) : undefined,
        tokens_output: kind === 'llm_call' ? Math.floor(rand() * 500) : undefined,
        tokens_cache_read:
          kind === 'llm_call' && rand() < 0.5 ? Math.floor(rand() * 1500) : undefined,
        tokens_cache_write:
          kind === 'llm_call' && rand() < 0.3 ? Math.floor(rand() * 300) : undefined,
        cost_usd: kind === 'llm_call' ? (Math.floor(rand() * 50_000) / 1e6).toFixed(6) : undefined,
        duration_ms: rand() < 0.8 ? Math.floor(rand() * 30_000) : undefined,
      })
    }
    const sorted = [...events].sort((x, y) => x.ts - y.ts) // stable: ties keep append (seq) order
    const [first, second] = sorted as [Fields, Fields]
    let subject: string | null = null
    if (c % 4 === 0) {
      first.title = `Title ${c}`
      second.metadata = { subject: `Subject ${c}` }
      subject = `Subject ${c}`
    } else if (c % 4 === 1) {
      first.title = `Title ${c}`
      const user =
        c % 8 === 1
          ? `Question  ${c}\nplease`
          : [{ type: 'text', text: `Question ${c}` }, { type: 'image' }]
      second.messages = [
        { role: 'system', content: 'be brief' },
        'not a message',
        { role: 'user', content: user },
      ]
      if (sorted[2]) sorted[2].messages = [{ role: 'user', content: 'a later question' }]
      subject = c % 8 === 1 ? `Question ${c} please` : `Question ${c}`
    } else if (c % 4 === 2) {
      second.title = `Title ${c}`
      if (sorted[2]) sorted[2].title = 'a later title'
      subject = `Title ${c}`
    }
    expectedSubject.set(cid, subject)
    fields.push(...events)
  }
  for (let i = 0; i < 30; i++)
    fields.push({
      ts: START + Math.floor(rand() * 5 * DAY_MS),
      environment: 'production',
      agent: 'a',
      model: 'm1',
    })
  const others = ['conv-00', 'conv-05', 'elsewhere'].map((cid) => ({
    ts: START + DAY_MS,
    environment: 'production',
    conversation_id: cid,
    agent: 'z',
    model: 'm9',
    kind: 'llm_call',
    tokens_input: 7,
    cost_usd: 1,
  }))
  return { fields, expectedSubject, others }
}

/** The activity log computed by brute force over the generated events (seq = position + 1). */
function bruteForce(
  fields: Fields[],
  filter: ConversationFilter,
): Array<Omit<ConversationSummary, 'subject'>> {
  const groups = new Map<string, Array<Fields & { seq: number }>>()
  fields.forEach((f, i) => {
    if (!f.conversation_id || (filter.environment && f.environment !== filter.environment)) return
    const list = groups.get(f.conversation_id) ?? []
    list.push({ ...f, seq: i + 1 })
    groups.set(f.conversation_id, list)
  })
  const out = []
  for (const [cid, list] of groups) {
    const events = [...list].sort((x, y) => x.ts - y.ts || x.seq - y.seq)
    const first = events[0]!.ts
    const last = events[events.length - 1]!.ts
    if (filter.from !== undefined && last < filter.from) continue
    if (filter.to !== undefined && first >= filter.to) continue
    if (filter.agent !== undefined && !events.some((e) => e.agent === filter.agent)) continue
    if (filter.model !== undefined && !events.some((e) => e.model === filter.model)) continue
    const sum = (k: string) =>
      events.reduce((acc, e) => acc + ((e[k] as number | undefined) ?? 0), 0)
    const count = (p: (e: Fields) => boolean) => events.filter(p).length
    const end = Math.max(...events.map((e) => e.ts + ((e.duration_ms as number | undefined) ?? 0)))
    const llm = count((e) => e.kind === 'llm_call')
    const tool = count((e) => e.kind === 'tool_call')
    const http = count((e) => e.kind === 'http_call')
    const distinct = (k: string) =>
      [...new Set(events.map((e) => e[k]).filter((v) => typeof v === 'string'))].sort() as string[]
    out.push({
      conversation_id: cid,
      agent: (events.find((e) => e.agent !== undefined)?.agent as string | undefined) ?? null,
      agents: distinct('agent'),
      environment: events[0]!.environment,
      models: distinct('model'),
      calls: { llm, tool, http, total: llm + tool + http },
      events: events.length,
      errors: count((e) => e.status === 'error'),
      tokens: {
        input: sum('tokens_input'),
        output: sum('tokens_output'),
        cached: sum('tokens_cache_read'),
        cache_write: sum('tokens_cache_write'),
        total: sum('tokens_input') + sum('tokens_output'),
      },
      cost_usd: events.reduce((acc, e) => acc + Math.round(Number(e.cost_usd ?? 0) * 1e6), 0) / 1e6,
      started_at: new Date(first).toISOString(),
      ended_at: new Date(end).toISOString(),
      duration_ms: end - first,
      last_event_at: new Date(last).toISOString(),
    })
  }
  return out.sort(
    (x, y) =>
      Date.parse(y.last_event_at) - Date.parse(x.last_event_at) ||
      (y.conversation_id < x.conversation_id ? -1 : 1),
  )
}

/** The conversation contract, run for each dialect from `describeStoreContract`. */
export function describeConversationsContract(
  name: string,
  open: () => Promise<Store> | Store,
): void {
  describe(`conversations contract: ${name}`, () => {
    let store: Store
    beforeEach(async () => {
      store = await open()
    })
    afterEach(async () => {
      await store.close()
    })
    const append = async (orgId: string, fields: Array<Record<string, unknown>>) => {
      for (let i = 0; i < fields.length; i += 200)
        await store.events.append(
          fields.slice(i, i + 200).map((f) => ({ orgId, event: newEvent(f) })),
        )
    }
    const listAll = async (orgId: string, filter: ConversationFilter, limit = 7) => {
      const out: ConversationSummary[] = []
      let after
      do {
        const page = await store.conversations.list(orgId, filter, { limit, after })
        expect(page.items.length).toBeLessThanOrEqual(limit)
        out.push(...page.items)
        after = page.next
      } while (after)
      return out
    }

    it('aggregates every conversation exactly as a brute-force count does, under every filter', async () => {
      const { fields, expectedSubject, others } = generate()
      await append('org-a', fields)
      await append('org-b', others)
      const day2 = START + 2 * DAY_MS
      for (const filter of [
        {},
        { from: day2 },
        { to: day2 },
        { from: day2, to: day2 + DAY_MS },
        { from: day2 + 5 * HOUR_MS + 123, to: day2 + 30 * HOUR_MS },
        { agent: 'b' },
        { model: 'm3' },
        { environment: 'staging' },
        { agent: 'c', model: 'm1', environment: 'production', from: START + DAY_MS },
        { agent: 'nobody' },
      ] as ConversationFilter[]) {
        const got = await listAll('org-a', filter)
        expect(got.map(({ subject: _, ...rest }) => rest)).toEqual(bruteForce(fields, filter))
      }
      const all = await listAll('org-a', {}, 200)
      expect(all).toHaveLength(40)
      for (const row of all) expect(row.subject).toBe(expectedSubject.get(row.conversation_id))
    })

    it('pages with a stable cursor when conversations share their last timestamp', async () => {
      const ts = START + HOUR_MS
      await append(
        'org-a',
        Array.from({ length: 12 }, (_, i) => ({
          ts,
          conversation_id: `same-${i % 6}`,
          kind: 'llm_call',
        })),
      )
      const first = await store.conversations.list('org-a', {}, { limit: 4 })
      expect(first.next).toBeDefined()
      const rest = await store.conversations.list('org-a', {}, { limit: 4, after: first.next })
      const ids = [...first.items, ...rest.items].map((c) => c.conversation_id)
      expect(ids).toEqual(['same-5', 'same-4', 'same-3', 'same-2', 'same-1', 'same-0'])
      expect(rest.next).toBeUndefined()
    })

    it('lists a timeline in ts then seq order, in pages, and only what came after since', async () => {
      const { fields } = generate()
      await append('org-a', fields)
      const expected = fields
        .map((f, i): Fields & { seq: number } => ({ ...f, seq: i + 1 }))
        .filter((f) => f.conversation_id === 'conv-01')
        .sort((x, y) => x.ts - y.ts || x.seq - y.seq)
      const seen: number[] = []
      let after
      let page
      do {
        page = await store.conversations.timeline('org-a', 'conv-01', { limit: 2, after })
        seen.push(...page!.items.map((e) => e.seq))
        after = page!.next
      } while (after)
      expect(seen).toEqual(expected.map((f) => f.seq))
      expect(page!.lastSeq).toBe(Math.max(...expected.map((f) => f.seq)))
      const later = await store.conversations.timeline('org-a', 'conv-01', {
        since: page!.lastSeq,
        limit: 10,
      })
      expect(later).toMatchObject({ items: [], lastSeq: page!.lastSeq })
      await append('org-a', [{ ts: START, conversation_id: 'conv-01', title: 'late but early' }])
      const fresh = await store.conversations.timeline('org-a', 'conv-01', {
        since: page!.lastSeq,
        limit: 10,
      })
      expect(fresh!.items.map((e) => e.title)).toEqual(['late but early'])
      expect(fresh!.lastSeq).toBe(fields.length + 1)
      const withMessages = expected.find((f) => f.messages !== undefined)!
      const item = (await store.conversations.timeline('org-a', 'conv-01', {
        limit: 100,
      }))!.items.find((e) => e.seq === withMessages.seq)
      expect(item).toMatchObject({ has_messages: true, has_thinking: false })
      expect(item).not.toHaveProperty('messages')
      expect(await store.conversations.timeline('org-a', 'no-such', { limit: 10 })).toBeUndefined()
    })

    it('finds tool results by tool call id or span id, and the system prompt by its hash', async () => {
      await append('org-a', [
        {
          conversation_id: 'c',
          kind: 'llm_call',
          system_prompt: 'You are terse.',
          tool_calls: [{ id: 't1' }, { id: 't2' }],
        },
        {
          conversation_id: 'c',
          kind: 'tool_call',
          metadata: { tool_call_id: 't1' },
          output: { ok: 1 },
        },
        { conversation_id: 'c', kind: 'tool_call', span_id: 't2', output: { ok: 2 } },
        { conversation_id: 'c', kind: 'http_call', span_id: 't1' },
        { conversation_id: 'other', kind: 'tool_call', metadata: { tool_call_id: 't1' } },
      ])
      const results = await store.conversations.toolResults('org-a', 'c', ['t1', 't2', 't3'])
      expect(results.map((e) => e.output)).toEqual([{ ok: 1 }, { ok: 2 }])
      expect(await store.conversations.toolResults('org-a', 'c', [])).toEqual([])
      const [call] = (await store.conversations.timeline('org-a', 'c', { limit: 1 }))!.items
      expect(await store.conversations.systemPrompt('org-a', call!.system_prompt_sha256!)).toBe(
        'You are terse.',
      )
      expect(await store.conversations.systemPrompt('org-a', '0'.repeat(64))).toBeUndefined()
    })

    it('never shows one org the conversations, timelines, tool results or prompts of another', async () => {
      await append('org-a', [
        {
          conversation_id: 'shared',
          agent: 'a',
          kind: 'llm_call',
          system_prompt: 'secret prompt',
          cost_usd: 2,
        },
        { conversation_id: 'shared', kind: 'tool_call', span_id: 's1' },
      ])
      await append('org-b', [{ conversation_id: 'shared', agent: 'b', kind: 'action' }])
      const [b] = await listAll('org-b', {})
      expect(b).toMatchObject({ conversation_id: 'shared', agents: ['b'], events: 1, cost_usd: 0 })
      expect(await listAll('org-c', {})).toEqual([])
      expect(
        (await store.conversations.timeline('org-b', 'shared', { limit: 10 }))!.items,
      ).toHaveLength(1)
      expect(await store.conversations.timeline('org-c', 'shared', { limit: 10 })).toBeUndefined()
      expect(await store.conversations.toolResults('org-b', 'shared', ['s1'])).toEqual([])
      const [call] = (await store.conversations.timeline('org-a', 'shared', { limit: 1 }))!.items
      expect(
        await store.conversations.systemPrompt('org-b', call!.system_prompt_sha256!),
      ).toBeUndefined()
    })
  })
}
