import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { EMPTY_ROOT, leafBytes, leafHash, rootOf } from '@agenttrail/protocol'
import type { Event } from '@agenttrail/protocol'
import { newEvent, seeded } from '../../../../test/helpers/events.js'
import type { LogLeaf } from './log-store.js'
import type { AppendItem, Store } from './store.js'

/**
 * The per-org Merkle log, the same on every store: each committed event has its leaf at index
 * seq - 1, written with it, and the head, the leaves and the range hashes agree with a tree built
 * from scratch over the leaf hashes (`rootOf`, the core's reference construction).
 */
export function describeLogContract(name: string, open: () => Promise<Store> | Store): void {
  describe(`store contract: ${name}: integrity log`, () => {
    let store: Store
    beforeEach(async () => {
      store = await open()
    })
    afterEach(() => store.close())

    const T0 = Date.UTC(2026, 10, 20)
    const allLeaves = async (orgId: string, size: number): Promise<LogLeaf[]> => {
      const out: LogLeaf[] = []
      while (out.length < size) {
        const page = await store.log.leaves(orgId, out.length, size)
        expect(page.length).toBeGreaterThan(0)
        out.push(...page)
      }
      return out
    }
    const allEvents = async (orgId: string): Promise<Event[]> => {
      const out: Event[] = []
      for (;;) {
        const page = await store.events.since(orgId, out.at(-1)?.seq ?? 0, 500)
        out.push(...page)
        if (page.length < 500) return out
      }
    }
    /** The org's log is exactly its trail: one leaf per seq, each the event committed with its salt. */
    const expectLogIsTrail = async (orgId: string): Promise<LogLeaf[]> => {
      const trail = await store.events.head(orgId)
      const head = await store.log.head(orgId)
      expect(head.size).toBe(trail)
      const leaves = await allLeaves(orgId, head.size)
      expect(leaves.map((l) => l.index)).toEqual(Array.from({ length: trail }, (_, i) => i))
      for (const l of leaves) expect(l.hash.equals(leafHash(l.leaf))).toBe(true)
      expect(rootOf(leaves.map((l) => l.hash)).equals(head.root)).toBe(true)
      const salts = await store.log.openings(orgId, 1, trail)
      for (const event of await allEvents(orgId)) {
        const salt = salts.get(event.seq)
        expect(salt, `opening of seq ${event.seq}`).toBeDefined()
        expect(leaves[event.seq - 1]?.leaf).toBe(leafBytes(event, salt as Buffer))
      }
      return leaves
    }
    const rand = seeded(18)
    // Absent fields are null in the stored event (the client may not send null for most).
    const varied = (i: number): Record<string, unknown> =>
      withoutNulls({
        agent: `agent-${i % 3}`,
        ts: T0 + i * 1_000,
        kind: ['action', 'llm_call', 'tool_call', 'custom'][i % 4],
        title: i % 5 === 0 ? null : `Ünïcödé ${i} \u2028 😀 "quoted"`,
        input: i % 2 ? { q: `question ${i}`, nested: [1, 2.5, null, { é: true }] } : null,
        output: i % 3 ? `answer ${i}` : null,
        user: i % 4 ? `user-${i}@example.com` : null,
        tokens_input: i % 2 ? 2 ** 39 + i : null,
        cost_usd: i % 2 ? '0.000123' : null,
        metadata: i % 3 ? { team: 'core', n: i, deep: { a: [i] } } : {},
        tags: i % 2 ? ['x', `t${i}`] : [],
      })

    it('starts empty: size 0, the empty root, no leaves', async () => {
      expect(await store.log.head('org-none')).toEqual({ size: 0, root: EMPTY_ROOT })
      expect(await store.log.leaves('org-none', 0, 10)).toEqual([])
      expect((await store.log.rangeHash('org-none', 0, 0)).equals(EMPTY_ROOT)).toBe(true)
      await expect(store.log.rangeHash('org-none', 0, 1)).rejects.toThrow()
    })

    it('gives every event of interleaved batches from several orgs its leaf, in seq order', async () => {
      const orgs = ['org-a', 'org-b', 'org-c']
      let i = 0
      // Batches of 1 to 40 events, each from a mix of orgs, several in flight at once.
      for (let round = 0; round < 8; round++) {
        const batches: AppendItem[][] = Array.from({ length: 4 }, () =>
          Array.from({ length: 1 + Math.floor(rand() * 40) }, () => ({
            orgId: orgs[Math.floor(rand() * orgs.length)] as string,
            event: newEvent(varied(i++)),
          })),
        )
        await Promise.all(batches.map((b) => store.events.append(b)))
      }
      for (const org of orgs) {
        expect(await store.events.head(org)).toBeGreaterThan(0)
        await expectLogIsTrail(org)
      }
      const grown = await store.log.grownSince(0)
      expect(grown.map((g) => g.orgId)).toEqual(orgs)
      for (const g of grown) expect(g.size).toBe(await store.events.head(g.orgId))
      expect(await store.log.grownSince(Date.now() + 60_000)).toEqual([])
    })

    it('answers range hashes equal to the tree built over that slice of leaves', async () => {
      // 300 leaves: stored nodes at level 4 and 8, and levels in between recomputed.
      for (let b = 0; b < 6; b++)
        await store.events.append(
          Array.from({ length: 50 }, (_, j) => ({
            orgId: 'org-r',
            event: newEvent(varied(b * 50 + j)),
          })),
        )
      const leaves = await expectLogIsTrail('org-r')
      const hashes = leaves.map((l) => l.hash)
      const ranges: [number, number][] = [
        [0, 300],
        [0, 256],
        [256, 300],
        [0, 1],
        [299, 300],
        [5, 5],
        [16, 32],
        [32, 64],
        [128, 256],
        [64, 192],
        [1, 299],
        [3, 260],
      ]
      for (let k = 0; k < 40; k++) {
        const lo = Math.floor(rand() * 300)
        ranges.push([lo, lo + Math.floor(rand() * (300 - lo + 1))])
      }
      for (const [lo, hi] of ranges)
        expect(
          (await store.log.rangeHash('org-r', lo, hi)).equals(rootOf(hashes.slice(lo, hi))),
          `[${lo}, ${hi})`,
        ).toBe(true)
      await expect(store.log.rangeHash('org-r', 0, 301)).rejects.toThrow()
      await expect(store.log.rangeHash('org-r', 10, 9)).rejects.toThrow()
    })

    it('gives an event id sent twice one leaf, and a rolled-back batch none', async () => {
      const first = newEvent(varied(1))
      await store.events.append([
        { orgId: 'org-d', event: first },
        { orgId: 'org-d', event: first },
      ])
      const again = await store.events.append([
        { orgId: 'org-d', event: first },
        { orgId: 'org-d', event: newEvent(varied(2)) },
      ])
      expect(again.map((o) => [o.seq, o.duplicate])).toEqual([
        [1, true],
        [2, false],
      ])
      const before = await store.log.head('org-d')
      expect(before.size).toBe(2)
      // A value neither database takes as a whole number fails the whole transaction.
      const broken = { ...newEvent(varied(3)), tokens_input: 1.5 }
      await expect(
        store.events.append([
          { orgId: 'org-d', event: newEvent(varied(4)) },
          { orgId: 'org-d', event: broken },
        ]),
      ).rejects.toThrow()
      expect(await store.log.head('org-d')).toEqual(before)
      expect(await store.log.leaves('org-d', 0, 10)).toHaveLength(2)
      const [next] = await store.events.append([{ orgId: 'org-d', event: newEvent(varied(5)) }])
      expect(next?.seq).toBe(3)
      await expectLogIsTrail('org-d')
    })

    it('commits the control plane’s notes and its own records like any event', async () => {
      const actor = { keyId: 'key-1', keyName: 'admin', ipAddress: null }
      await store.events.append([{ orgId: 'org-p', event: newEvent({ agent: 'bot' }) }])
      await store.control.setAgentStatus('org-p', 'production', 'bot', 'paused', T0, actor)
      const [outcome] = await store.events.append([
        { orgId: 'org-p', event: newEvent({ agent: 'bot', input: { go: 'ahead' } }) },
      ])
      expect(outcome?.control).toMatchObject({ decision: 'violation', rule: 'agent_paused' })
      const events = await allEvents('org-p')
      // The event, the pause's audit record, the violating event, its alert's record.
      expect(events.length).toBeGreaterThanOrEqual(4)
      expect(events.some((e) => e.control !== null)).toBe(true)
      expect(events.filter((e) => e.kind === 'audit').length).toBeGreaterThanOrEqual(1)
      await expectLogIsTrail('org-p')
    })

    it('hands out openings by seq range and leaves by index range, 1,000 at most', async () => {
      await store.events.append(
        Array.from({ length: 30 }, (_, j) => ({ orgId: 'org-o', event: newEvent(varied(j)) })),
      )
      expect([...(await store.log.openings('org-o', 5, 9)).keys()]).toEqual([5, 6, 7, 8, 9])
      for (const salt of (await store.log.openings('org-o', 1, 30)).values())
        expect(salt).toHaveLength(32)
      expect((await store.log.leaves('org-o', 10, 13)).map((l) => l.index)).toEqual([10, 11, 12])
      expect(await store.log.leaves('org-o', 30, 40)).toEqual([])
      expect(await store.log.leaves('org-o', 5, 5)).toEqual([])
    })
  })
}

function withoutNulls(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null))
}
