import {
  consistencyProof,
  leafBytes,
  leafHash,
  rootOf,
  uuidv7,
  verifyConsistency,
} from '@agenttrail/protocol'
import type { Event } from '@agenttrail/protocol'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { newEvent } from '../../../../test/helpers/events.js'
import type { DeleteRange, EventFilter, Store } from './store.js'
import { DAY_MS } from './time-buckets.js'
import { ERASURE_ACTION, MAX_TOMBSTONE_RANGES } from './tombstone.js'
import type { ErasureRecord, Tombstone } from './tombstone.js'

/** A store and a way to make its next tombstone appends fail inside the append (a trigger). */
export interface ErasureFixture {
  store: Store
  /** From now on, inserting a `log.erasure` event fails in the database. */
  failTombstones(): Promise<void>
}

const DAY = Date.UTC(2026, 4, 1)
const EVERYTHING = { from: -Number.MAX_SAFE_INTEGER, to: Number.MAX_SAFE_INTEGER }
const RECORD: ErasureRecord = {
  reason: 'gdpr-art17',
  selector: { by: 'user' },
  requestRef: 'DSAR-17',
  actor: 'key_admin',
}

/**
 * Erasure on every store (`EventStore.erase`): what goes (rows, derived data, search hits, prompts,
 * openings), what stays (other events, audit events, leaves), and the tombstones appended in the
 * same transaction, which name exactly the erased seqs.
 */
export function describeErasureContract(name: string, open: () => Promise<ErasureFixture>): void {
  describe(`store contract: ${name}: erasure with tombstones`, () => {
    let store: Store
    let fixture: ErasureFixture
    beforeEach(async () => {
      fixture = await open()
      store = fixture.store
    })
    afterEach(() => store.close())

    const append = async (orgId: string, events: Array<Record<string, unknown>>) => {
      const out: Array<{ id: string; seq: number }> = []
      for (let i = 0; i < events.length; i += 1_000)
        out.push(
          ...(await store.events.append(
            events.slice(i, i + 1_000).map((fields) => ({ orgId, event: newEvent(fields) })),
          )),
        )
      return out
    }
    const all = async (orgId: string, filter: EventFilter = {}) => {
      const out: Event[] = []
      let after
      do {
        const page = await store.events.query(orgId, filter, { limit: 1_000, after })
        out.push(...page.items)
        after = page.next
      } while (after)
      return out
    }
    const catchUp = async () => {
      while (
        (await store.events.rollPending(5_000)) + (await store.events.indexPending(5_000)) >
        0
      );
    }
    const prompt = (text: string) =>
      store.conversations.systemPrompt(
        'org-a',
        newEvent({ system_prompt: text }).system_prompt_sha256 as string,
      )
    /** Every seq of the org from 1 to its head: live, erased under a tombstone, or missing. */
    const accounting = async (orgId: string) => {
      const head = await store.events.head(orgId)
      const live = new Set((await all(orgId)).map((e) => e.seq))
      const erased = new Set<number>()
      for (const mark of await tombstonesOf(orgId))
        for (const [first, last] of mark.metadata.erased as number[][])
          for (let seq = first as number; seq <= (last as number); seq++) erased.add(seq)
      const missing: number[] = []
      for (let seq = 1; seq <= head; seq++)
        if (!live.has(seq) && !erased.has(seq)) missing.push(seq)
      return { head, live, erased, missing }
    }
    const tombstonesOf = async (orgId: string) =>
      (await all(orgId, { kind: 'audit' }))
        .filter((e) => e.action === ERASURE_ACTION)
        .sort((a, b) => a.seq - b.seq)

    /** The org's log: its head and every leaf, to compare before and after an erasure. */
    const logOf = async (orgId: string) => {
      const head = await store.log.head(orgId)
      const leaves = []
      for (let start = 0; start < head.size; start += 1_000)
        leaves.push(...(await store.log.leaves(orgId, start, Math.min(head.size, start + 1_000))))
      return { head, leaves }
    }
    /**
     * The log after an erasure is the log before it with the tombstones' leaves appended: every
     * earlier leaf (text and hash) and the earlier root unchanged, consistent by an RFC 6962 proof
     * from the stored nodes; the erased seqs have no opening, every live one has.
     */
    const expectLogKept = async (
      orgId: string,
      before: Awaited<ReturnType<typeof logOf>>,
      tombstones: readonly Tombstone[],
    ) => {
      const after = await logOf(orgId)
      const size = before.head.size
      expect(after.head.size).toBe(size + tombstones.length)
      expect(after.leaves.slice(0, size)).toEqual(before.leaves)
      expect(tombstones.map((t) => t.seq)).toEqual(tombstones.map((_, i) => size + i + 1))
      // Each tombstone is live and opens: the event as the API gives it and its salt make its
      // leaf, so a verifier can read the erased ranges from it.
      const salts = await store.log.openings(orgId, size + 1, after.head.size)
      for (const [i, { index, leaf, hash }] of after.leaves.slice(size).entries()) {
        expect(JSON.parse(leaf).event).toMatchObject({ seq: index + 1, action: ERASURE_ACTION })
        expect(hash).toEqual(leafHash(leaf))
        const event = await store.events.get(orgId, tombstones[i]!.id)
        expect(leafBytes(event as Event, salts.get(index + 1) as Buffer)).toBe(leaf)
      }
      expect(after.head.root).toEqual(rootOf(after.leaves.map((l) => l.hash)))
      const mth = (lo: number, hi: number) => store.log.rangeHash(orgId, lo, hi)
      expect(await mth(0, size)).toEqual(before.head.root)
      const proof = await consistencyProof(size, after.head.size, mth)
      expect(
        verifyConsistency(size, after.head.size, before.head.root, after.head.root, proof),
      ).toBe(true)
      const { live, erased } = await accounting(orgId)
      const openings = await store.log.openings(orgId, 1, after.head.size)
      expect([...openings.keys()].sort((a, b) => a - b)).toEqual([...live].sort((a, b) => a - b))
      for (const seq of erased) expect(openings.has(seq)).toBe(false)
      return after
    }

    it('erases a person’s events with what derives from them, and appends one tombstone naming their seqs', async () => {
      const sent = await append('org-a', [
        {
          ts: DAY,
          user: 'alice',
          agent: 'x',
          title: 'marzipan plan',
          system_prompt: 'alice only',
          conversation_id: 'c1',
        },
        {
          ts: DAY + 1,
          user: 'bob',
          agent: 'x',
          title: 'bob reply',
          system_prompt: 'shared prompt',
          conversation_id: 'c1',
        },
        {
          ts: DAY + 2,
          user: 'alice',
          agent: 'y',
          title: 'marzipan again',
          system_prompt: 'shared prompt',
          tags: ['t'],
        },
        { ts: DAY + DAY_MS, user: 'alice', agent: 'x', title: 'marzipan later' },
        { ts: DAY + 3, kind: 'audit', action: 'policy.created', user: 'alice' },
        { ts: DAY + 4, user: 'carol', agent: 'x', title: 'carol words' },
      ])
      await append('org-b', [{ ts: DAY, user: 'alice', title: 'marzipan elsewhere' }])
      await catchUp()
      expect(await all('org-a', { q: 'marzipan' })).toHaveLength(3)
      const before = await logOf('org-a')

      const erasure = await store.events.erase('org-a', { ...EVERYTHING, user: 'alice' }, RECORD)
      await expectLogKept('org-a', before, erasure.tombstones)
      expect(erasure.erased).toBe(3)
      expect(erasure.tombstones).toEqual([{ id: expect.any(String), seq: 7 }])
      expect(new Set(erasure.days.map((d) => `${d.environment}/${d.agent}/${d.day}`))).toEqual(
        new Set(['production/x/2026-05-01', 'production/y/2026-05-01', 'production/x/2026-05-02']),
      )
      // The rows, their search hits, tags and the prompt only they used are gone.
      for (const seq of [1, 3, 4])
        expect(await store.events.get('org-a', sent[seq - 1]!.id)).toBeUndefined()
      expect(await all('org-a', { q: 'marzipan' })).toEqual([])
      expect(await all('org-a', { tag: 't' })).toEqual([])
      expect(await prompt('alice only')).toBeUndefined()
      expect(await prompt('shared prompt')).toBe('shared prompt')
      // The conversation's subject was alice's title: it is bob's now.
      const [c1] = (await store.conversations.list('org-a', {}, { limit: 10 })).items
      expect(c1).toMatchObject({ conversation_id: 'c1', subject: 'bob reply', events: 1 })
      // The audit event in alice's name stays, as do other people's events and other orgs'.
      expect((await all('org-a', { user: 'alice' })).map((e) => e.action)).toEqual([
        'policy.created',
      ])
      expect(await all('org-a', { q: 'carol' })).toHaveLength(1)
      expect(await all('org-b', { q: 'marzipan' })).toHaveLength(1)

      const [mark] = await tombstonesOf('org-a')
      expect(mark).toMatchObject({
        id: erasure.tombstones[0]!.id,
        seq: 7,
        kind: 'audit',
        action: 'log.erasure',
        agent: null,
        user: 'key_admin',
        status: 'success',
        title: 'Erased 3 events',
        metadata: {
          erased: [
            [1, 1],
            [3, 4],
          ],
          count: 3,
          reason: 'gdpr-art17',
          selector: { by: 'user' },
          request_ref: 'DSAR-17',
        },
      })
      expect(await accounting('org-a')).toMatchObject({ head: 7, missing: [] })
    })

    it('takes the erased events’ webhook deliveries and their attempts with them', async () => {
      const sub = await store.notify.createSubscription(
        'org-a',
        {
          id: uuidv7(),
          kind: 'webhook',
          channel: null,
          url: 'https://receiver.example/hook',
          secret: 'sealed-secret',
          config: null,
          topics: ['action.logged'],
          agent_name: null,
          description: null,
        },
        0,
      )
      const [alice, bob] = await append('org-a', [
        {
          ts: DAY,
          user: 'alice',
          kind: 'action',
          agent: 'x',
          metadata: { email: 'a@example.com' },
        },
        { ts: DAY + 1, user: 'bob', kind: 'action', agent: 'x' },
      ])
      await store.notify.fanOut(Date.now(), 100)
      const now = Date.now() + 1
      for (const d of await store.notify.claimDeliveries(now, 10, 30_000))
        await store.notify.settleDelivery(
          'org-a',
          d.id,
          d.attempt,
          {
            ok: true,
            status: 200,
            durationMs: 5,
            error: null,
            responseBody: 'ok',
            startedAt: now,
            body: '{"event":"sent"}',
            retryAt: null,
          },
          10,
        )
      const deliveries = () => store.notify.listDeliveries('org-a', sub.id, { limit: 10 })
      expect((await deliveries()).map((d) => d.event_id).sort()).toEqual(
        [alice!.id, bob!.id].sort(),
      )
      await store.events.erase('org-a', { ...EVERYTHING, user: 'alice' }, RECORD)
      const left = await deliveries()
      expect(left.map((d) => [d.event_id, d.attempts_log.length])).toEqual([[bob!.id, 1]])
      expect(
        (await store.notify.listAttempts('org-a', 'webhook', 10)).map((a) => a.delivery_id),
      ).toEqual([left[0]!.id])
    })

    it('takes the input out of the approvals the erased events asked for, keeping the approvals', async () => {
      const now = Date.now()
      await store.control.createPolicy(
        'org-a',
        {
          name: null,
          agent_name: 'x',
          environment: null,
          rule_type: 'require_approval',
          rule_config: { services: [], actions: [] },
          enabled: true,
          priority: 0,
        },
        now,
      )
      const ask = (user: string, input: unknown) =>
        store.control.check('org-a', {
          event: {
            ...newEvent({ ts: DAY, user, agent: 'x', input, status: 'denied' }),
            agent: 'x',
          },
          keyId: 'k',
          approvalTtlMs: 60_000,
        })
      expect(await ask('alice', { card: 'alice-card' })).toMatchObject({ allowed: false })
      expect(await ask('bob', { card: 'bob-card' })).toMatchObject({ allowed: false })
      const approvals = async () =>
        new Map(
          (await store.control.listApprovals('org-a', { limit: 10 }, Date.now())).map((a) => [
            JSON.stringify(a.input),
            a,
          ]),
        )
      const before = await approvals()
      const alices = before.get(JSON.stringify({ card: 'alice-card' }))
      expect(alices?.event_id).toEqual(expect.any(String))
      expect((await all('org-a', { user: 'alice' })).map((e) => e.id)).toEqual([alices!.event_id])
      await store.events.erase('org-a', { ...EVERYTHING, user: 'alice' }, RECORD)
      const after = await store.control.listApprovals('org-a', { limit: 10 }, Date.now())
      expect(after.map((a) => [a.id, a.input]).sort()).toEqual(
        [
          [alices!.id, null],
          [before.get(JSON.stringify({ card: 'bob-card' }))!.id, { card: 'bob-card' }],
        ].sort(),
      )
    })

    it('erases an agent’s day in one environment and one event by id, each with its tombstone', async () => {
      const sent = await append('org-a', [
        { ts: DAY, agent: 'x', environment: 'staging' },
        { ts: DAY + 1, agent: 'x' },
        { ts: DAY + DAY_MS - 1, agent: 'x', environment: 'staging' },
        { ts: DAY + DAY_MS, agent: 'x', environment: 'staging' },
        { ts: DAY + 2, agent: 'y', environment: 'staging' },
      ])
      const day: DeleteRange = { from: DAY, to: DAY + DAY_MS, agent: 'x', environment: 'staging' }
      const before = await logOf('org-a')
      const byDay = await store.events.erase('org-a', day, {
        ...RECORD,
        selector: { by: 'agent_day', agent: 'x', day: '2026-05-01', environment: 'staging' },
        environment: 'staging',
      })
      expect(byDay).toMatchObject({ erased: 2, tombstones: [{ seq: 6 }] })
      expect(byDay.days).toEqual([{ environment: 'staging', agent: 'x', day: '2026-05-01' }])
      const between = await expectLogKept('org-a', before, byDay.tombstones)
      const one = sent[4]!
      const byId = await store.events.erase(
        'org-a',
        { from: DAY + 2, to: DAY + 3, id: one.id },
        { ...RECORD, selector: { by: 'event', event_id: one.id } },
      )
      expect(byId).toMatchObject({ erased: 1, tombstones: [{ seq: 7 }] })
      await expectLogKept('org-a', between, byId.tombstones)
      const marks = await tombstonesOf('org-a')
      expect(marks.map((m) => [m.environment, m.metadata.erased, m.metadata.selector])).toEqual([
        [
          'staging',
          [
            [1, 1],
            [3, 3],
          ],
          { by: 'agent_day', agent: 'x', day: '2026-05-01', environment: 'staging' },
        ],
        ['production', [[5, 5]], { by: 'event', event_id: one.id }],
      ])
      expect((await all('org-a')).map((e) => e.seq).sort((a, b) => a - b)).toEqual([2, 4, 6, 7])
    })

    it('appends nothing when nothing matched, and never erases an audit event', async () => {
      const [audit] = await append('org-a', [{ ts: DAY, kind: 'audit', action: 'policy.created' }])
      const before = await logOf('org-a')
      const none = await store.events.erase('org-a', { ...EVERYTHING, user: 'nobody' }, RECORD)
      expect(none).toEqual({ erased: 0, tombstones: [], days: [] })
      const byId = await store.events.erase(
        'org-a',
        { from: DAY, to: DAY + 1, id: audit!.id },
        { ...RECORD, selector: { by: 'event', event_id: audit!.id } },
      )
      expect(byId.erased).toBe(0)
      expect(await store.events.erase('org-a', EVERYTHING, RECORD)).toMatchObject({ erased: 0 })
      expect(await store.events.erase('org-none', EVERYTHING, RECORD)).toMatchObject({ erased: 0 })
      expect(await store.events.head('org-a')).toBe(1)
      expect(await store.events.oldest('org-a')).toBeUndefined()
      expect(await logOf('org-a')).toEqual(before)
      expect([...(await store.log.openings('org-a', 1, 1)).keys()]).toEqual([1])
    })

    it(
      `writes one tombstone per ${MAX_TOMBSTONE_RANGES} seq ranges`,
      { timeout: 120_000 },
      async () => {
        // Alternating users: erasing one of them leaves a range per event.
        const n = 2 * (MAX_TOMBSTONE_RANGES + 1)
        await append(
          'org-a',
          Array.from({ length: n }, (_, i) => ({
            ts: DAY + i,
            user: i % 2 === 0 ? 'odd' : 'even',
          })),
        )
        const before = await logOf('org-a')
        const erasure = await store.events.erase('org-a', { ...EVERYTHING, user: 'odd' }, RECORD)
        expect(erasure.erased).toBe(MAX_TOMBSTONE_RANGES + 1)
        await expectLogKept('org-a', before, erasure.tombstones)
        expect(erasure.tombstones.map((t: Tombstone) => t.seq)).toEqual([n + 1, n + 2])
        const marks = await tombstonesOf('org-a')
        const erased = marks.map((m) => m.metadata.erased as number[][])
        expect(erased.map((r) => r.length)).toEqual([MAX_TOMBSTONE_RANGES, 1])
        expect(marks.map((m) => m.metadata.count)).toEqual([MAX_TOMBSTONE_RANGES, 1])
        expect(erased.flat()).toEqual(
          Array.from({ length: MAX_TOMBSTONE_RANGES + 1 }, (_, i) => [2 * i + 1, 2 * i + 1]),
        )
        expect(await accounting('org-a')).toMatchObject({ head: n + 2, missing: [] })
      },
    )

    it('erases nothing when the tombstone cannot be appended: one transaction', async () => {
      const sent = await append('org-a', [
        {
          ts: DAY,
          user: 'alice',
          title: 'marzipan',
          system_prompt: 'alice only',
          conversation_id: 'c1',
        },
        { ts: DAY + 1, user: 'alice', agent: 'x', title: 'marzipan two' },
      ])
      await catchUp()
      const agentsBefore = await store.events.agents('org-a', {})
      const before = await logOf('org-a')
      await fixture.failTombstones()
      await expect(
        store.events.erase('org-a', { ...EVERYTHING, user: 'alice' }, RECORD),
      ).rejects.toThrow()
      for (const { id } of sent) expect(await store.events.get('org-a', id)).toBeDefined()
      expect(await all('org-a', { q: 'marzipan' })).toHaveLength(2)
      expect(await prompt('alice only')).toBe('alice only')
      expect(await store.events.agents('org-a', {})).toEqual(agentsBefore)
      expect((await store.conversations.list('org-a', {}, { limit: 10 })).items).toHaveLength(1)
      expect(await store.events.head('org-a')).toBe(2)
      // The openings are back with the rows: nothing of the log moved.
      expect(await logOf('org-a')).toEqual(before)
      expect([...(await store.log.openings('org-a', 1, 2)).keys()]).toEqual([1, 2])
      expect(await tombstonesOf('org-a')).toEqual([])
    })

    it(
      'accounts for every seq when an erasure races with ingest of the same person',
      { timeout: 120_000 },
      async () => {
        await append(
          'org-a',
          Array.from({ length: 300 }, (_, i) => ({
            ts: DAY + i,
            user: i % 3 === 0 ? 'dana' : 'eve',
          })),
        )
        const writes = Array.from({ length: 20 }, (_, b) =>
          append(
            'org-a',
            Array.from({ length: 25 }, (_, i) => ({
              ts: DAY + 1_000 + b * 25 + i,
              user: i % 2 ? 'dana' : 'eve',
            })),
          ),
        )
        const erasures = [1, 2, 3].map(() =>
          store.events.erase('org-a', { ...EVERYTHING, user: 'dana' }, RECORD),
        )
        await Promise.all(writes)
        const results = await Promise.all(erasures)
        const { head, live, erased, missing } = await accounting('org-a')
        expect(head).toBe(300 + 500 + results.reduce((n, r) => n + r.tombstones.length, 0))
        expect(missing).toEqual([])
        // What an erasure took is exactly what its tombstones name; no seq is erased twice.
        expect(erased.size).toBe(results.reduce((n, r) => n + r.erased, 0))
        for (const seq of erased) expect(live.has(seq)).toBe(false)
        expect(erased.size).toBeGreaterThanOrEqual(100)
        // The tree is the trail: one leaf per seq; only live events keep their openings.
        const log = await logOf('org-a')
        expect(log.head.size).toBe(head)
        expect(log.head.root).toEqual(rootOf(log.leaves.map((l) => l.hash)))
        const openings = await store.log.openings('org-a', 1, head)
        expect([...openings.keys()].sort((a, b) => a - b)).toEqual([...live].sort((a, b) => a - b))
        // A last erasure finds what arrived after the racing ones.
        const last = await store.events.erase('org-a', { ...EVERYTHING, user: 'dana' }, RECORD)
        expect((await all('org-a', { user: 'dana' })).length).toBe(0)
        // Dana's: every third of the first 300, and 12 of each batch of 25 (the odd i).
        expect(erased.size + last.erased).toBe(100 + 20 * 12)
      },
    )
  })
}
