import { describe, expect, it } from 'vitest'
import { leafBytes, leafHash, parseLeaf, rootOf } from '@agenttrail/protocol'
import { newEvent } from '../../../../test/helpers/events.js'
import { gapLeaf } from './log-append.js'
import type { Store } from './store.js'
import { eraseRange } from '../../../../test/helpers/erasure.js'

/** What the backfill suite needs of a dialect: a new database it can open, rewind and poke at. */
export interface BackfillDatabase {
  /** Opens the store on this database (migrating it, and building logs that trail). */
  open(): Promise<Store>
  /**
   * Puts the closed database back to before the log's migration: its tables, triggers and
   * migration record gone, the events and everything else kept.
   */
  rewind(): Promise<void>
  /**
   * Puts the closed database back to before the log moved into the rows appends write anyway (the
   * migration after the log's): salts in their own openings table, heads in their own table.
   */
  unplace(): Promise<void>
  /** Runs one statement on the closed database; rejects with the database's error. */
  exec(sql: string): Promise<void>
}

/**
 * The start-up backfill and the log's append-only tables, on a real database that holds events
 * from before the log existed (some since deleted, as retention does).
 */
export function describeLogBackfill(name: string, fresh: () => Promise<BackfillDatabase>): void {
  describe(`${name}: integrity log of events from before it`, () => {
    const T0 = Date.UTC(2026, 10, 1)

    it('builds each org’s log from its stored events at start, with gap leaves for deleted ones, then keeps it', async () => {
      const harness = await fresh()
      let store = await harness.open()
      const appendMany = (orgId: string, n: number, offset: number) =>
        store.events.append(
          Array.from({ length: n }, (_, i) => ({
            orgId,
            event: newEvent({
              agent: `a${i % 2}`,
              ts: T0 + (offset + i) * 60_000,
              input: { i, text: 'ünïcode 😀' },
              user: `u${i}@example.com`,
              metadata: { n: i },
            }),
          })),
        )
      await appendMany('org-a', 40, 0)
      await appendMany('org-b', 7, 0)
      await appendMany('org-a', 5, 100)
      // Retention took events 11 to 20 and the last five (seq 41 to 45) of org-a; its tombstones
      // are seqs 46 and 47.
      await eraseRange(store, 'org-a', { from: T0 + 10 * 60_000, to: T0 + 20 * 60_000 })
      await eraseRange(store, 'org-a', { from: T0 + 100 * 60_000, to: T0 + 200 * 60_000 })
      await store.close()
      await harness.rewind()

      store = await harness.open()
      try {
        // The seqs with no event left got gap leaves, and a tombstone (seq 48) says why: the log
        // did not exist when they went, so it cannot hold their erasure's own tombstones' word.
        const [tombstone] = await store.events.since('org-a', 47, 10)
        expect(tombstone).toMatchObject({
          seq: 48,
          kind: 'audit',
          action: 'log.erasure',
          user: 'system',
          metadata: {
            erased: [
              [11, 20],
              [41, 45],
            ],
            count: 15,
            selector: { by: 'range' },
            request_ref: null,
          },
        })
        for (const [orgId, size, gaps] of [
          ['org-a', 48, [...range(11, 20), ...range(41, 45)]],
          ['org-b', 7, []],
        ] as const) {
          const head = await store.log.head(orgId)
          expect(head.size).toBe(size)
          const leaves = await store.log.leaves(orgId, 0, size)
          expect(leaves.map((l) => l.index)).toEqual(range(0, size - 1))
          expect(rootOf(leaves.map((l) => leafHash(l.leaf))).equals(head.root)).toBe(true)
          const events = await store.events.since(orgId, 0, 100)
          const salts = await store.log.openings(orgId, 1, size)
          expect([...salts.keys()]).toEqual(events.map((e) => e.seq))
          for (const e of events)
            expect(leaves[e.seq - 1]?.leaf).toBe(leafBytes(e, salts.get(e.seq) as Buffer))
          for (const seq of gaps) {
            expect(leaves[seq - 1]?.leaf).toBe(gapLeaf(orgId, seq))
            // A leaf the verifier reads as the leaf of that seq in that org, with nothing in it.
            expect(parseLeaf(gapLeaf(orgId, seq)).event).toEqual({ org_id: orgId, seq })
          }
        }
        // Every gap seq is covered by a tombstone whose own leaf is in the log.
        const tombstones = (await store.events.query('org-a', { kind: 'audit' }, { limit: 100 }))
          .items
        const covered = new Set(
          tombstones
            .filter((t) => t.action === 'log.erasure' && t.seq <= 48)
            .flatMap((t) =>
              ((t.metadata as { erased: Array<[number, number]> }).erased ?? []).flatMap(([a, b]) =>
                range(a, b),
              ),
            ),
        )
        for (const seq of [...range(11, 20), ...range(41, 45)]) expect(covered.has(seq)).toBe(true)
        // New events continue the tree from there.
        const before = await store.log.head('org-a')
        const [next] = await appendMany('org-a', 1, 300)
        expect(next?.seq).toBe(49)
        const after = await store.log.head('org-a')
        expect(after.size).toBe(49)
        const leaves = await store.log.leaves('org-a', 0, 49)
        expect(rootOf(leaves.slice(0, 48).map((l) => l.hash)).equals(before.root)).toBe(true)
        expect(rootOf(leaves.map((l) => l.hash)).equals(after.root)).toBe(true)
      } finally {
        await store.close()
      }
      // A second start finds nothing to build and changes nothing.
      store = await harness.open()
      try {
        expect((await store.log.head('org-a')).size).toBe(49)
      } finally {
        await store.close()
      }
    })

    it('moves openings and heads from their own tables into the event and org rows, and goes on appending', async () => {
      const harness = await fresh()
      let store = await harness.open()
      for (const orgId of ['org-a', 'org-b'])
        await store.events.append(
          Array.from({ length: 37 }, (_, i) => ({
            orgId,
            event: newEvent({ ts: T0 + i * 60_000, user: `u${i}`, input: { i } }),
          })),
        )
      await eraseRange(store, 'org-a', { from: T0 + 5 * 60_000, to: T0 + 9 * 60_000 })
      const state = async () =>
        Object.fromEntries(
          await Promise.all(
            ['org-a', 'org-b', 'org-none'].map(async (orgId) => {
              const head = await store.log.head(orgId)
              const salts = await store.log.openings(orgId, 1, 100)
              return [orgId, { size: head.size, root: head.root.toString('hex'), salts }] as const
            }),
          ),
        )
      const before = await state()
      const grown = (await store.log.grownSince(0)).map((g) => [g.orgId, g.size])
      expect(before['org-a']?.size).toBe(38)
      // Four erased; the tombstone (seq 38) has its salt like any event.
      expect(before['org-a']?.salts.size).toBe(37 - 4 + 1)
      expect(before['org-none']?.size).toBe(0)
      await store.close()
      await harness.unplace()

      store = await harness.open()
      try {
        expect(await state()).toEqual(before)
        expect((await store.log.grownSince(0)).map((g) => [g.orgId, g.size])).toEqual(grown)
        // Appends go on from the moved head: the tree over every leaf is the head's.
        await store.events.append([{ orgId: 'org-a', event: newEvent({ user: 'later' }) }])
        const head = await store.log.head('org-a')
        const leaves = await store.log.leaves('org-a', 0, head.size)
        expect(head.size).toBe(39)
        expect(rootOf(leaves.map((l) => leafHash(l.leaf))).equals(head.root)).toBe(true)
        expect((await store.log.openings('org-a', 39, 39)).size).toBe(1)
      } finally {
        await store.close()
      }
    })

    it('refuses to change or delete leaves and nodes, and to change a salt, but lets a salt go with its event', async () => {
      const harness = await fresh()
      const store = await harness.open()
      await store.events.append(
        Array.from({ length: 20 }, (_, i) => ({ orgId: 'org-t', event: newEvent({ input: i }) })),
      )
      await store.close()
      const refused = [
        "UPDATE log_leaves SET leaf = 'x' WHERE org_id = 'org-t'",
        "DELETE FROM log_leaves WHERE org_id = 'org-t'",
        "UPDATE log_nodes SET idx = idx + 1 WHERE org_id = 'org-t'",
        "DELETE FROM log_nodes WHERE org_id = 'org-t'",
        "UPDATE events SET log_salt = NULL WHERE org_id = 'org-t' AND seq = 3",
        "UPDATE events SET log_salt = log_salt WHERE org_id = 'org-t'",
      ]
      for (const sql of refused) await expect(harness.exec(sql), sql).rejects.toThrow(/append-only/)
      // A salt leaves with its event, which the log does not hold back (erasure).
      await harness.exec("DELETE FROM events WHERE org_id = 'org-t' AND seq = 3")
    })
  })
}

/** [from, ..., to], inclusive. */
function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i)
}
