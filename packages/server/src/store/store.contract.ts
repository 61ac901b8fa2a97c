import { beforeEach, afterEach, describe, expect, it } from 'vitest'
import { uuidv7 } from '@agenttrail/protocol'
import type { Event } from '@agenttrail/protocol'
import { newEvent, seeded } from '../../../../test/helpers/events.js'
import { hashKey } from '../auth/api-keys.js'
import type { AppendItem, StatsQuery, Store } from './store.js'
import { DAY_MS, HOUR_MS } from './time-buckets.js'
import { describeConversationsContract } from './conversations.contract.js'
import { describeConversationSummaryContract } from './conversation-summary.contract.js'
import { describeQueryPagingContract } from './query-paging.contract.js'
import { describeMaintenanceContract } from './maintenance.contract.js'
import { describeOrgUsageContract } from './org-usage.contract.js'
import { describeOutboxContract } from './outbox.contract.js'
import { describeAlertsContract } from './alerts.contract.js'
import { describeEvaluationsContract } from './evaluations.contract.js'
import { describeSessionsContract } from './sessions.contract.js'
import { describeX402Contract } from './x402.contract.js'
import { eraseRange } from '../../../../test/helpers/erasure.js'
import { describeLogContract } from './log.contract.js'

/**
 * The behaviour every store must have. Each dialect runs it against a real database:
 * `describeStoreContract('sqlite', () => openSqliteStore({ path: ':memory:', enforce: enforcement }))`.
 */
export function describeStoreContract(name: string, open: () => Promise<Store> | Store): void {
  describe(`store contract: ${name}`, () => {
    let store: Store
    beforeEach(async () => {
      store = await open()
      await store.keys.ensureOrg('org-a')
      await store.keys.ensureOrg('org-b')
    })
    afterEach(async () => {
      await store.close()
    })
    const append = (orgId: string, events: Array<Record<string, unknown>>) =>
      store.events.append(events.map((fields) => ({ orgId, event: newEvent(fields) })))
    const all = async (orgId: string, filter = {}) => {
      const out: Event[] = []
      let after
      do {
        const page = await store.events.query(orgId, filter, { limit: 7, after })
        out.push(...page.items)
        after = page.next
      } while (after)
      return out
    }

    it('appends and returns the full event by id', async () => {
      const [receipt] = await append('org-a', [
        {
          agent: 'a1',
          kind: 'llm_call',
          input: { q: 'hi' },
          cost_usd: '0.000123',
          tags: ['x'],
          metadata: { k: 1 },
        },
      ])
      expect(receipt).toMatchObject({ seq: 1, duplicate: false })
      const event = await store.events.get('org-a', receipt!.id)
      expect(event).toMatchObject({
        agent: 'a1',
        kind: 'llm_call',
        input: { q: 'hi' },
        cost_usd: 0.000123,
        tags: ['x'],
        metadata: { k: 1 },
        seq: 1,
      })
      expect(event?.received_at).toBe(receipt?.received_at)
    })

    it('is idempotent on the event id and does not spend a seq on a duplicate', async () => {
      const id = uuidv7()
      const [first] = await append('org-a', [{ id, agent: 'a' }])
      const [again, next] = await append('org-a', [{ id, agent: 'changed' }, { agent: 'b' }])
      expect(again).toEqual({ ...first, duplicate: true })
      expect(next?.seq).toBe(2)
      expect((await store.events.get('org-a', id))?.agent).toBe('a')
    })

    it('treats the same id twice in one batch as one event', async () => {
      const id = uuidv7()
      const out = await append('org-a', [{ id }, { id }])
      expect(out.map((o) => [o.seq, o.duplicate])).toEqual([
        [1, false],
        [1, true],
      ])
    })

    it('keeps seq gap-free per org in commit order, across batches and orgs', async () => {
      for (let i = 0; i < 5; i++) {
        const items: AppendItem[] = []
        for (let j = 0; j < 7; j++)
          items.push({ orgId: j % 2 ? 'org-a' : 'org-b', event: newEvent({ n: i * 7 + j }) })
        await store.events.append(items)
      }
      for (const org of ['org-a', 'org-b']) {
        const seqs = (await all(org)).map((e) => e.seq).sort((a, b) => a - b)
        expect(seqs).toEqual(seqs.map((_, i) => i + 1))
      }
    })

    it('never shows one org the events of another, by id or by query', async () => {
      const [mine] = await append('org-a', [{ agent: 'shared-name', title: 'secret plan' }])
      await store.events.indexPending()
      expect(await store.events.get('org-b', mine!.id)).toBeUndefined()
      expect(await all('org-b', { agent: 'shared-name' })).toEqual([])
      expect(await all('org-b', { q: 'secret' })).toEqual([])
      expect(
        (await store.events.stats('org-b', { from: 0, to: Date.now() + HOUR_MS, bucket: 'day' }))
          .totals.events,
      ).toBe(0)
      expect(await store.events.agents('org-b', {})).toEqual([])
    })

    it('filters by every field', async () => {
      const t0 = Date.parse('2026-03-01T00:00:00Z')
      await append('org-a', [
        {
          ts: t0,
          agent: 'a',
          service: 's1',
          action: 'x',
          status: 'error',
          kind: 'tool_call',
          environment: 'staging',
          user: 'u1',
          trace_id: 't1',
          conversation_id: 'c1',
          model: 'm1',
          tags: ['red', 'blue'],
        },
        {
          ts: t0 + 1000,
          agent: 'b',
          service: 's2',
          action: 'y',
          status: 'failed',
          kind: 'llm_call',
          environment: 'production',
          user: 'u2',
          trace_id: 't2',
          conversation_id: 'c2',
          model: 'm2',
          tags: ['blue'],
        },
        { ts: t0 + 2000, agent: 'a', status: 'blocked' },
      ])
      const count = async (filter: object) => (await all('org-a', filter)).length
      expect(await count({})).toBe(3)
      expect(await count({ from: t0 + 1000 })).toBe(2)
      expect(await count({ to: t0 + 1000 })).toBe(1)
      expect(await count({ agent: 'a' })).toBe(2)
      expect(await count({ service: 's2' })).toBe(1)
      expect(await count({ action: 'x' })).toBe(1)
      expect(await count({ status: 'error' })).toBe(2)
      expect(await count({ status: 'denied' })).toBe(1)
      expect(await count({ kind: 'tool_call' })).toBe(1)
      expect(await count({ environment: 'staging' })).toBe(1)
      expect(await count({ user: 'u2' })).toBe(1)
      expect(await count({ traceId: 't1' })).toBe(1)
      expect(await count({ conversationId: 'c2' })).toBe(1)
      expect(await count({ model: 'm1' })).toBe(1)
      expect(await count({ tag: 'blue' })).toBe(2)
      expect(await count({ tag: 'red', agent: 'b' })).toBe(0)
    })

    it('pages newest first with a stable cursor, even with equal timestamps and inserts between pages', async () => {
      const ts = Date.parse('2026-02-01T00:00:00Z')
      await append(
        'org-a',
        Array.from({ length: 20 }, (_, i) => ({ ts: ts + (i % 4), n: i })),
      )
      const first = await store.events.query('org-a', {}, { limit: 8 })
      await append('org-a', [{ ts: ts + 10 }, { ts: ts - 10 }])
      const rest: Event[] = []
      let after = first.next
      while (after) {
        const page = await store.events.query('org-a', {}, { limit: 8, after })
        rest.push(...page.items)
        after = page.next
      }
      const seen = [...first.items, ...rest]
      const keys = seen.map((e) => `${e.ts}|${e.id}`)
      expect(new Set(keys).size).toBe(keys.length)
      expect(keys).toEqual([...keys].sort().reverse())
      expect(seen.length).toBe(21) // the 20, plus the older one inserted later; the newer one is above the cursor
    })

    it('finds words in title, input, output and error, before and after indexing', async () => {
      await append('org-a', [
        { title: 'Refund requested', input: { text: 'customer wants money back' } },
        { output: ['the parcel was delivered'] },
        { error: { message: 'Timeout talking to Zürich' } },
        { title: 'nothing here', metadata: { note: 'refund' } },
      ])
      const find = async (q: string) => (await all('org-a', { q })).length
      expect(await find('refund')).toBe(1) // unindexed tail
      expect(await find('zürich')).toBe(1)
      while ((await store.events.indexPending()) > 0);
      expect(await find('refund')).toBe(1)
      expect(await find('REFUND customer')).toBe(1)
      expect(await find('parcel')).toBe(1)
      expect(await find('zurich')).toBe(1)
      expect(await find('timeout')).toBe(1)
      expect(await find('refund parcel')).toBe(0)
      expect(await find('note')).toBe(0) // keys and metadata are not searched
    })

    it('answers keyword searches with both plans (rare and common words) in time order', async () => {
      const base = Date.parse('2026-01-01T00:00:00Z')
      const rand = seeded(7)
      const events = Array.from({ length: 6_000 }, (_, i) => ({
        ts: base + Math.floor(rand() * DAY_MS),
        title: i % 1_000 === 0 ? `common rareword ${i}` : `common filler ${i}`,
      }))
      for (let i = 0; i < events.length; i += 1_000)
        await append('org-a', events.slice(i, i + 1_000))
      while ((await store.events.indexPending(5_000)) > 0);
      const rare = await all('org-a', { q: 'rareword' })
      expect(rare).toHaveLength(6)
      const page = await store.events.query('org-a', { q: 'common' }, { limit: 50 })
      const expected = events
        .map((e) => e.ts)
        .sort((a, b) => b - a)
        .slice(0, 50)
      expect(page.items.map((e) => Date.parse(e.ts))).toEqual(expected)
      expect(page.next).toBeDefined()
    })

    it('computes stats over >1,000 events across day boundaries exactly as a brute-force count does', async () => {
      const rand = seeded(42)
      const start = Date.parse('2026-05-10T00:00:00Z')
      const fields = Array.from({ length: 2_500 }, () => ({
        ts: start + Math.floor(rand() * 4 * DAY_MS),
        agent: ['a', 'b', 'c'][Math.floor(rand() * 3)],
        model: rand() < 0.5 ? 'gpt-4o' : undefined,
        service: ['s1', 's2'][Math.floor(rand() * 2)],
        status: ['success', 'error', 'pending', 'denied'][Math.floor(rand() * 4)],
        environment: rand() < 0.8 ? 'production' : 'staging',
        duration_ms: Math.floor(rand() * 5_000),
        tokens_input: Math.floor(rand() * 1_000),
        tokens_output: Math.floor(rand() * 500),
        tokens_cache_read: Math.floor(rand() * 100),
        cost_usd: (Math.floor(rand() * 10_000) / 1_000_000).toFixed(6),
      }))
      for (let i = 0; i < fields.length; i += 500) await append('org-a', fields.slice(i, i + 500))
      // Exact whatever the roller has reached (a writer thread also rolls up on its own after appends):
      // part way, done, and with new events behind it.
      await expectExactStats(fields)
      await store.events.rollPending(1_000)
      await expectExactStats(fields)
      while ((await store.events.rollPending(700)) > 0);
      await expectExactStats(fields)
      const late = fields.slice(0, 300).map((f) => ({ ...f, ts: f.ts + 1 }))
      await append('org-a', late)
      await expectExactStats([...fields, ...late])
    })

    type StatsFields = {
      ts: number
      agent?: string
      model?: string
      service?: string
      status?: string
      environment: string
      duration_ms: number
      tokens_input: number
      tokens_output: number
      tokens_cache_read: number
      cost_usd: string
    }

    async function expectExactStats(fields: StatsFields[]) {
      const start = Date.parse('2026-05-10T00:00:00Z')
      // Unaligned on both ends: raw edges, hourly and daily rollups all take part.
      const from = start + 5 * HOUR_MS + 17 * 60_000 + 123
      const to = start + 3 * DAY_MS + 7 * HOUR_MS + 41 * 60_000
      for (const query of [
        { from, to, bucket: 'day' as const },
        { from, to, bucket: 'hour' as const },
        { from, to, bucket: 'day' as const, environment: 'staging' },
        { from, to, bucket: 'day' as const, agent: 'b' },
        { from: start + 30 * 60_000, to: start + 50 * 60_000, bucket: 'hour' as const },
      ]) {
        const stats = await store.events.stats('org-a', query)
        const inRange = fields.filter(
          (f) =>
            f.ts >= query.from &&
            f.ts < query.to &&
            (!query.environment || f.environment === query.environment) &&
            (!query.agent || f.agent === query.agent),
        )
        const sum = (pick: (f: StatsFields) => number) =>
          inRange.reduce((acc, f) => acc + pick(f), 0)
        const count = (pred: (f: StatsFields) => boolean) => inRange.filter(pred).length
        expect(stats.totals.events).toBe(inRange.length)
        expect(stats.totals.error).toBe(count((f) => f.status === 'error'))
        expect(stats.totals.denied).toBe(count((f) => f.status === 'denied'))
        expect(stats.totals.success).toBe(count((f) => f.status === 'success'))
        expect(stats.tokens.input).toBe(sum((f) => f.tokens_input))
        expect(stats.tokens.cache_read).toBe(sum((f) => f.tokens_cache_read))
        expect(stats.tokens.total).toBe(sum((f) => f.tokens_input + f.tokens_output))
        expect(Math.round(stats.cost_usd * 1e6)).toBe(
          sum((f) => Math.round(Number(f.cost_usd) * 1e6)),
        )
        const durations = inRange.map((f) => f.duration_ms).sort((a, b) => a - b)
        if (durations.length > 0) {
          expect(stats.latency_ms.avg).toBe(
            Math.round(sum((f) => f.duration_ms) / durations.length),
          )
          const exactP95 = durations[Math.ceil(0.95 * durations.length) - 1] as number
          expect(stats.latency_ms.p95).toBeGreaterThanOrEqual(exactP95 - 1)
          expect(stats.latency_ms.p95).toBeLessThanOrEqual(exactP95 * 1.05 + 1)
        }
        expect(stats.series.reduce((acc, p) => acc + p.events, 0)).toBe(inRange.length)
        expect(stats.by_agent.reduce((acc, a) => acc + a.events, 0)).toBe(inRange.length)
        expect(stats.by_model.find((m) => m.model === 'gpt-4o')?.events ?? 0).toBe(
          count((f) => f.model === 'gpt-4o'),
        )
        expect(stats.by_service.find((m) => m.service === 's2')?.errors ?? 0).toBe(
          count((f) => f.service === 's2' && f.status === 'error'),
        )
        for (const point of stats.series) {
          const size = query.bucket === 'hour' ? HOUR_MS : DAY_MS
          const t = Date.parse(point.start)
          expect(point.events).toBe(count((f) => f.ts >= t && f.ts < t + size))
        }
      }
    }

    it('lists agents per environment with counts, cost and last seen', async () => {
      await append('org-a', [
        {
          agent: 'bot',
          ts: Date.parse('2026-01-01T00:00:00Z'),
          status: 'error',
          cost_usd: 0.5,
          tokens_total: 10,
        },
        { agent: 'bot', ts: Date.parse('2026-01-02T00:00:00Z'), cost_usd: 0.25 },
        { agent: 'bot', environment: 'staging' },
      ])
      const prod = await store.events.agents('org-a', { environment: 'production' })
      expect(prod).toEqual([
        expect.objectContaining({
          name: 'bot',
          status: 'active',
          events: 2,
          errors: 1,
          cost_usd: 0.75,
          tokens_total: 10,
          first_seen: '2026-01-01T00:00:00.000Z',
          last_seen: '2026-01-02T00:00:00.000Z',
        }),
      ])
      expect(await store.events.agents('org-a', { name: 'bot' })).toHaveLength(2)
    })

    it('stores keys by hash, finds active ones, revokes them', async () => {
      const key = await store.keys.insert({
        id: uuidv7(),
        orgId: 'org-a',
        name: 'k',
        description: null,
        keyHash: hashKey('at_secret'),
        keyPrefix: 'at_secret',
        scopes: ['read'],
        rotatedFrom: null,
      })
      expect(key).toMatchObject({ org_id: 'org-a', scopes: ['read'], revoked_at: null })
      expect((await store.keys.findByHash(hashKey('at_secret')))?.id).toBe(key.id)
      expect(await store.keys.get(key.id, 'org-b')).toBeUndefined()
      expect(await store.keys.revoke(key.id, 'org-b')).toBe(false)
      expect(await store.keys.countActive()).toBe(1)
      expect(await store.keys.revoke(key.id, 'org-a')).toBe(true)
      expect(await store.keys.revoke(key.id, 'org-a')).toBe(false)
      expect(await store.keys.findByHash(hashKey('at_secret'))).toBeUndefined()
      expect(await store.keys.countActive()).toBe(0)
      expect(await store.keys.list('org-a')).toHaveLength(1)
    })

    it('claims idempotency keys: replay within the ttl, mismatch on another body, new after expiry', async () => {
      const now = Date.now()
      expect(await store.idempotency.claim('org-a', 'k1', 'h1', ['i1'], now, 1000)).toEqual({
        state: 'new',
        ids: ['i1'],
      })
      expect(await store.idempotency.claim('org-a', 'k1', 'h1', ['i2'], now + 1, 1000)).toEqual({
        state: 'replay',
        ids: ['i1'],
      })
      expect(await store.idempotency.claim('org-a', 'k1', 'h2', ['i3'], now + 2, 1000)).toEqual({
        state: 'mismatch',
      })
      expect(await store.idempotency.claim('org-b', 'k1', 'h2', ['i4'], now + 2, 1000)).toEqual({
        state: 'new',
        ids: ['i4'],
      })
      expect(await store.idempotency.claim('org-a', 'k1', 'h2', ['i5'], now + 5000, 1000)).toEqual({
        state: 'new',
        ids: ['i5'],
      })
      expect(await store.idempotency.purge(now + 3000)).toBe(1)
    })

    it('answers ping while open and fails it once closed', async () => {
      await expect(store.ping()).resolves.toBeUndefined()
      await store.close()
      await expect(store.ping()).rejects.toThrow()
      store = await open()
    })

    describe('deleting events', () => {
      const start = Date.parse('2026-06-01T00:00:00Z')
      type Fields = {
        ts: number
        agent: string
        environment: string
        status: string
        model?: string
        service: string
        duration_ms: number
        tokens_input: number
        tokens_output: number
        cost_usd: string
        title: string
        tags: string[]
      }
      const WORDS = ['apple', 'birch', 'cedar']
      const dataset = (n: number, seed: number): Fields[] => {
        const rand = seeded(seed)
        return Array.from({ length: n }, (_, i) => ({
          ts: start + Math.floor(rand() * 3 * DAY_MS),
          agent: ['a', 'b', 'c'][Math.floor(rand() * 3)] as string,
          environment: rand() < 0.7 ? 'production' : 'staging',
          status: ['success', 'error', 'pending', 'denied'][Math.floor(rand() * 4)] as string,
          model: rand() < 0.5 ? 'gpt-4o' : undefined,
          service: ['s1', 's2'][Math.floor(rand() * 2)] as string,
          duration_ms: Math.floor(rand() * 3_000),
          tokens_input: Math.floor(rand() * 1_000),
          tokens_output: Math.floor(rand() * 300),
          cost_usd: (Math.floor(rand() * 10_000) / 1_000_000).toFixed(6),
          title: `${WORDS[i % 3]} step ${i}`,
          tags: rand() < 0.4 ? ['red'] : ['blue', 'green'],
        }))
      }
      type Kept = Fields & { id: string; seq: number }
      const load = async (fields: Fields[]): Promise<Kept[]> => {
        const out: Kept[] = []
        for (let i = 0; i < fields.length; i += 200) {
          const chunk = fields.slice(i, i + 200)
          const receipts = await append('org-a', chunk)
          receipts.forEach((r, j) => out.push({ ...(chunk[j] as Fields), id: r.id, seq: r.seq }))
        }
        return out
      }
      const micros = (usd: number | string) => Math.round(Number(usd) * 1e6)
      const catchUp = async () => {
        while ((await store.events.rollPending(500)) + (await store.events.indexPending(500)) > 0);
      }

      const found = async (filter: object) => {
        const out: Event[] = []
        let after
        do {
          const page = await store.events.query('org-a', filter, { limit: 500, after })
          out.push(...page.items)
          after = page.next
        } while (after)
        return out
      }

      /** Compares every derived answer with a recount over the events that should remain. */
      async function expectAgrees(kept: Kept[]) {
        // The erasures' tombstones (audit events) are the trail's own records, not the data set.
        const events = (await found({})).filter((e) => e.kind !== 'audit')
        expect(events.map((e) => `${e.id}:${e.seq}`).sort()).toEqual(
          kept.map((k) => `${k.id}:${k.seq}`).sort(),
        )
        const ids = (list: Array<{ id: string }>) => list.map((e) => e.id).sort()
        for (const word of WORDS)
          expect(ids(await found({ q: word }))).toEqual(
            ids(kept.filter((k) => k.title.startsWith(word))),
          )
        expect(ids(await found({ q: 'step' }))).toEqual(ids(kept))
        for (const tag of ['red', 'green'])
          expect(ids(await found({ tag }))).toEqual(ids(kept.filter((k) => k.tags.includes(tag))))
        const agents = await store.events.agents('org-a', {})
        for (const agent of agents) {
          const mine = kept.filter(
            (k) => k.agent === agent.name && k.environment === agent.environment,
          )
          expect([agent.events, agent.errors, agent.tokens_total, micros(agent.cost_usd)]).toEqual([
            mine.length,
            mine.filter((k) => k.status === 'error').length,
            mine.reduce((s, k) => s + k.tokens_input + k.tokens_output, 0),
            mine.reduce((s, k) => s + micros(k.cost_usd), 0),
          ])
        }
        const ranges = [
          { from: start, to: start + 3 * DAY_MS },
          { from: start + 7 * HOUR_MS + 1_234, to: start + 2 * DAY_MS + 5 * HOUR_MS + 60_000 },
          { from: start + DAY_MS, to: start + 2 * DAY_MS },
        ]
        for (const range of ranges)
          for (const query of [
            { ...range, bucket: 'day' as const },
            { ...range, bucket: 'hour' as const },
            { ...range, bucket: 'day' as const, agent: 'b' },
            { ...range, bucket: 'hour' as const, environment: 'staging' },
          ] as StatsQuery[]) {
            const stats = await store.events.stats('org-a', query)
            const inRange = kept.filter(
              (k) =>
                k.ts >= query.from &&
                k.ts < query.to &&
                (!query.environment || k.environment === query.environment) &&
                (!query.agent || k.agent === query.agent),
            )
            const by = (pick: (k: Kept) => string | undefined) => {
              const m = new Map<string | null, number>()
              for (const k of inRange) m.set(pick(k) ?? null, (m.get(pick(k) ?? null) ?? 0) + 1)
              return m
            }
            expect(stats.totals).toEqual({
              events: inRange.length,
              success: inRange.filter((k) => k.status === 'success').length,
              error: inRange.filter((k) => k.status === 'error').length,
              pending: inRange.filter((k) => k.status === 'pending').length,
              denied: inRange.filter((k) => k.status === 'denied').length,
            })
            expect(stats.tokens.total).toBe(
              inRange.reduce((s, k) => s + k.tokens_input + k.tokens_output, 0),
            )
            expect(micros(stats.cost_usd)).toBe(inRange.reduce((s, k) => s + micros(k.cost_usd), 0))
            expect(stats.latency_ms.avg).toBe(
              inRange.length
                ? Math.round(inRange.reduce((s, k) => s + k.duration_ms, 0) / inRange.length)
                : null,
            )
            expect(new Map(stats.by_agent.map((a) => [a.agent, a.events]))).toEqual(
              by((k) => k.agent),
            )
            expect(new Map(stats.by_model.map((a) => [a.model, a.events]))).toEqual(
              by((k) => k.model),
            )
            expect(new Map(stats.by_service.map((a) => [a.service, a.events]))).toEqual(
              by((k) => k.service),
            )
            const size = query.bucket === 'hour' ? HOUR_MS : DAY_MS
            for (const point of stats.series) {
              const t = Date.parse(point.start)
              expect(point.events).toBe(inRange.filter((k) => k.ts >= t && k.ts < t + size).length)
            }
          }
      }

      const day2 = { from: start + DAY_MS, to: start + 2 * DAY_MS }
      const inDay2OfB = (k: Kept) => k.agent === 'b' && k.ts >= day2.from && k.ts < day2.to

      it('removes a day of one agent from stats, agents, search and tags, after the roller and indexer caught up', async () => {
        const events = await load(dataset(600, 11))
        await catchUp()
        const removed = await eraseRange(store, 'org-a', { ...day2, agent: 'b' })
        expect(removed).toBe(events.filter(inDay2OfB).length)
        expect(removed).toBeGreaterThan(0)
        await expectAgrees(events.filter((k) => !inDay2OfB(k)))
        expect(await eraseRange(store, 'org-a', { ...day2, agent: 'b' })).toBe(0)
      })

      it('stays exact when the roller and indexer had reached only part of the deleted events', async () => {
        const first = await load(dataset(400, 12))
        await catchUp()
        const later = await load(dataset(400, 13))
        await store.events.rollPending(150)
        await store.events.indexPending(90)
        const events = [...first, ...later]
        expect(await eraseRange(store, 'org-a', { ...day2, agent: 'b' })).toBe(
          events.filter(inDay2OfB).length,
        )
        const kept = events.filter((k) => !inDay2OfB(k))
        await expectAgrees(kept)
        await catchUp()
        await expectAgrees(kept)
      })

      it('filters by environment, leaves other orgs alone, and keeps indexing events appended after the newest was deleted', async () => {
        const [other] = await append('org-b', [
          { ts: start + DAY_MS + 1, agent: 'b', title: 'apple' },
        ])
        const events = await load(dataset(300, 14))
        await catchUp()
        const staging = (k: Kept) => k.environment === 'staging' && k.ts >= day2.from
        expect(
          await eraseRange(store, 'org-a', {
            from: day2.from,
            to: start + 3 * DAY_MS,
            environment: 'staging',
          }),
        ).toBe(events.filter(staging).length)
        let kept = events.filter((k) => !staging(k))
        // Delete the most recently appended rows, then append: the new rows must still be rolled up and indexed.
        const newest = events.slice(-5)
        for (const k of newest)
          await eraseRange(store, 'org-a', { from: k.ts, to: k.ts + 1, agent: k.agent })
        kept = kept.filter((k) => !newest.some((n) => n.ts === k.ts && n.agent === k.agent))
        kept.push(...(await load(dataset(20, 15))))
        await catchUp()
        await expectAgrees(kept)
        expect(await store.events.get('org-b', other!.id)).toBeDefined()
        expect(await all('org-b', { q: 'apple' })).toHaveLength(1)
      })
    })
  })
  describeConversationsContract(name, open)
  describeConversationSummaryContract(name, open)
  describeQueryPagingContract(name, open)
  describeMaintenanceContract(name, open)
  describeOrgUsageContract(name, open)
  describeOutboxContract(name, open)
  describeAlertsContract(name, open)
  describeEvaluationsContract(name, open)
  describeSessionsContract(name, open)
  describeX402Contract(name, open)
  describeLogContract(name, open)
}
