import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { newEvent, seeded } from '../../../../test/helpers/events.js'
import { MEMBER_DRIVE_LIMIT } from './conversation-page-plan.js'
import type { ConversationFilter, ConversationSummary } from './conversation-store.js'
import type { DeleteRange, Store } from './store.js'
import { DAY_MS, HOUR_MS } from './time-buckets.js'
import { eraseRange } from '../../../../test/helpers/erasure.js'

type Fields = {
  ts: number
  environment: string
  conversation_id?: string
  agent?: string
  model?: string
  kind?: string
}

const START = Date.parse('2026-06-01T00:00:00Z')
const SOLO = START + 10 * DAY_MS

/** 30 conversations over four days (mixed environments, agents, models), events outside any, and one alone on day ten. */
function dataset(): Fields[] {
  const rand = seeded(77)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T
  const out: Fields[] = []
  for (let c = 0; c < 30; c++) {
    const base = START + Math.floor(rand() * 4 * DAY_MS)
    const env = c % 3 === 0 ? undefined : pick(['production', 'staging'])
    for (let i = 0, n = 2 + Math.floor(rand() * 7); i < n; i++) {
      const llm = rand() < 0.6
      out.push({
        ts: base + Math.floor(rand() * 3) * Math.floor(rand() * 8 * HOUR_MS),
        conversation_id: `c-${c}`,
        environment: env ?? pick(['production', 'staging']),
        agent: rand() < 0.9 ? pick(['a', 'b', 'c']) : undefined,
        kind: llm ? 'llm_call' : 'tool_call',
        model: llm ? pick(['m1', 'm2']) : undefined,
      })
    }
  }
  for (let i = 0; i < 10; i++)
    out.push({
      ts: START + Math.floor(rand() * 4 * DAY_MS),
      environment: 'production',
      agent: 'a',
      model: 'm1',
    })
  for (let i = 0; i < 3; i++)
    out.push({
      ts: SOLO + i,
      conversation_id: 'solo',
      environment: 'production',
      agent: 'a',
      model: 'm1',
    })
  return out
}

/** Conversation ids with their span, in list order, computed from the events by brute force. */
function expectedSpans(events: Fields[], filter: ConversationFilter): string[] {
  const spans = new Map<string, { first: number; last: number; agent: boolean; model: boolean }>()
  for (const e of events) {
    if (
      !e.conversation_id ||
      (filter.environment !== undefined && e.environment !== filter.environment)
    )
      continue
    const s = spans.get(e.conversation_id) ?? {
      first: e.ts,
      last: e.ts,
      agent: false,
      model: false,
    }
    s.first = Math.min(s.first, e.ts)
    s.last = Math.max(s.last, e.ts)
    s.agent ||= e.agent === filter.agent
    s.model ||= e.model === filter.model
    spans.set(e.conversation_id, s)
  }
  return [...spans]
    .filter(
      ([, s]) =>
        (filter.from === undefined || s.last >= filter.from) &&
        (filter.to === undefined || s.first < filter.to),
    )
    .filter(
      ([, s]) => (filter.agent === undefined || s.agent) && (filter.model === undefined || s.model),
    )
    .sort(([a, x], [b, y]) => y.last - x.last || (b < a ? -1 : b > a ? 1 : 0))
    .map(
      ([cid, s]) => `${cid} ${new Date(s.first).toISOString()} ${new Date(s.last).toISOString()}`,
    )
}

const FILTERS: ConversationFilter[] = [
  {},
  { from: START + 2 * DAY_MS },
  { to: START + 2 * DAY_MS },
  { agent: 'b' },
  { model: 'm2' },
  { environment: 'staging' },
  { agent: 'a', environment: 'production' },
  { agent: 'c', model: 'm1', from: START + DAY_MS },
  { environment: 'staging', to: START + 3 * DAY_MS },
]

/** The conversation summary (migration 005/006) against every store: exact after deletes, whichever plan a filter takes. */
export function describeConversationSummaryContract(
  name: string,
  open: () => Promise<Store> | Store,
): void {
  describe(`conversations contract: ${name}: the summary the list pages over`, () => {
    const stores: Store[] = []
    let store: Store
    beforeEach(async () => {
      stores.push((store = await open()))
    })
    afterEach(async () => {
      for (const s of stores.splice(0)) await s.close()
    })
    const append = async (target: Store, orgId: string, fields: Fields[]) => {
      for (let i = 0; i < fields.length; i += 500)
        await target.events.append(
          fields.slice(i, i + 500).map((f) => ({ orgId, event: newEvent(f) })),
        )
    }
    const listAll = async (target: Store, filter: ConversationFilter, limit: number) => {
      const out: ConversationSummary[] = []
      let after
      do {
        const page = await target.conversations.list('org-a', filter, { limit, after })
        expect(page.items.length === limit || page.next === undefined).toBe(true)
        out.push(...page.items)
        after = page.next
      } while (after)
      return out
    }
    const spans = async (target: Store, filter: ConversationFilter, limit = 4) =>
      (await listAll(target, filter, limit)).map(
        (c) => `${c.conversation_id} ${c.started_at} ${c.last_event_at}`,
      )

    it('stays exact when deletes take part of a conversation, one agent or environment of it, or all of it', async () => {
      let kept = dataset()
      await append(store, 'org-a', kept)
      await append(store, 'org-b', [
        { ts: START, conversation_id: 'c-1', environment: 'staging', agent: 'b', model: 'm2' },
      ])
      const remove = async (range: DeleteRange) => {
        const gone = (e: Fields) =>
          e.ts >= range.from &&
          e.ts < range.to &&
          (range.agent === undefined || e.agent === range.agent) &&
          (range.environment === undefined || e.environment === range.environment)
        expect(await eraseRange(store, 'org-a', range)).toBe(kept.filter(gone).length)
        kept = kept.filter((e) => !gone(e))
        for (const filter of FILTERS)
          expect(await spans(store, filter)).toEqual(expectedSpans(kept, filter))
      }
      await remove({ from: START, to: START + 20 * HOUR_MS }) // the first events of some conversations, all of others
      await remove({ from: START + 2 * DAY_MS, to: START + 4 * DAY_MS, agent: 'b' }) // one agent's part
      await remove({ from: START + 3 * DAY_MS, to: START + 5 * DAY_MS }) // the last events: the order changes
      await remove({ from: START, to: START + 5 * DAY_MS, environment: 'staging' }) // one environment's part
      expect((await spans(store, {}, 100)).map((s) => s.split(' ')[0])).toContain('solo')
      await remove({ from: SOLO, to: SOLO + DAY_MS }) // a whole conversation
      expect((await spans(store, {}, 100)).map((s) => s.split(' ')[0])).not.toContain('solo')
      // Every answer, aggregates included, is what a store that never held the deleted events gives.
      stores.push(await open())
      const fresh = stores[stores.length - 1] as Store
      await append(fresh, 'org-a', kept)
      for (const filter of FILTERS)
        expect(await listAll(store, filter, 3)).toEqual(await listAll(fresh, filter, 3))
      expect((await store.conversations.list('org-b', {}, { limit: 10 })).items).toHaveLength(1)
    })

    it('lists the same conversations whether a filter walks the newest ones or starts from a rare value', async () => {
      // More conversations with agent `busy` and model `common` than MEMBER_DRIVE_LIMIT: those filters
      // walk the newest conversations; `rare` has a few and starts from them. Three share each last ts.
      const count = MEMBER_DRIVE_LIMIT + 60
      const events: Fields[] = []
      for (let i = 0; i < count; i++) {
        const conversation_id = `w-${i}`
        const environment = i % 7 === 0 ? 'staging' : 'production'
        const model = i % 400 === 5 ? 'rare' : 'common'
        events.push({ ts: START + i * 1_000, conversation_id, environment, agent: 'busy', model })
        events.push({
          ts: START + Math.floor(i / 3) * 3_000 + 2_500,
          conversation_id,
          environment,
          agent: i % 2 ? 'odd' : 'busy',
        })
      }
      await append(store, 'org-a', events)
      for (const filter of [
        { agent: 'busy' },
        { agent: 'odd', model: 'common' },
        { agent: 'busy', model: 'rare' },
        { model: 'common', environment: 'staging', from: START + 500_000 },
        { agent: 'busy', to: START + 1_000_000 },
        { model: 'rare', environment: 'production' },
        { agent: 'nobody' },
      ] as ConversationFilter[])
        expect(await spans(store, filter, 250)).toEqual(expectedSpans(events, filter))
    })
  })
}
