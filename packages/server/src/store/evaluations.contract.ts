import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { newEvent } from '../../../../test/helpers/events.js'
import type { NewEvaluation } from './evaluation-store.js'
import type { Store } from './store.js'
import { DAY_MS } from './time-buckets.js'
import { eraseRange } from '../../../../test/helpers/erasure.js'

/** What every store must do with evaluations: create, list, statistics, and deletion with events. */
export function describeEvaluationsContract(
  name: string,
  open: () => Promise<Store> | Store,
): void {
  describe(`store contract: ${name}: evaluations`, () => {
    let store: Store
    beforeEach(async () => {
      store = await open()
    })
    afterEach(() => store.close())

    const day = Date.UTC(2026, 4, 1)
    const append = async (orgId: string, events: Array<Record<string, unknown>>) =>
      (await store.events.append(events.map((fields) => ({ orgId, event: newEvent(fields) })))).map(
        (o) => o.id,
      )
    const score = (eventId: string, n: number, more: Partial<NewEvaluation> = {}) => ({
      eventId,
      score: n,
      label: null,
      feedback: null,
      evaluatedBy: null,
      ...more,
    })

    it("creates an evaluation that copies its event's agent and environment", async () => {
      const [id] = await append('org-a', [{ ts: day, agent: 'bot', environment: 'staging' }])
      const made = await store.evaluations.create(
        'org-a',
        score(id!, 85, { label: 'correct', feedback: 'Fine.', evaluatedBy: 'ops@example.com' }),
        day + 5,
      )
      expect(made).toEqual({
        id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7/),
        event_id: id,
        environment: 'staging',
        agent: 'bot',
        score: 85,
        label: 'correct',
        feedback: 'Fine.',
        evaluated_by: 'ops@example.com',
        created_at: new Date(day + 5).toISOString(),
      })
      expect(await store.evaluations.forEvent('org-a', id!)).toEqual([made])
      // An event without an agent is scored all the same.
      const [anonymous] = await append('org-a', [{ ts: day }])
      expect(await store.evaluations.create('org-a', score(anonymous!, 0), day)).toMatchObject({
        agent: null,
        environment: 'production',
        score: 0,
      })
    })

    it("refuses an unknown event and another org's event alike, storing nothing", async () => {
      const [theirs] = await append('org-b', [{ ts: day, agent: 'bot' }])
      await append('org-a', [{ ts: day, agent: 'bot' }])
      expect(await store.evaluations.create('org-a', score(theirs!, 50), day)).toBeUndefined()
      expect(await store.evaluations.create('org-a', score('no-such-id', 50), day)).toBeUndefined()
      expect(await store.evaluations.create('org-c', score(theirs!, 50), day)).toBeUndefined()
      expect(await store.evaluations.list('org-a', { limit: 10 })).toEqual([])
      expect(await store.evaluations.list('org-b', { limit: 10 })).toEqual([])
    })

    it('lists newest first and filters by event, agent, label, environment and time', async () => {
      const [a1, a2, b1] = await append('org-a', [
        { ts: day, agent: 'a' },
        { ts: day, agent: 'a', environment: 'staging' },
        { ts: day, agent: 'b' },
      ])
      const made = []
      for (const [i, [id, label]] of (
        [
          [a1, 'good'],
          [a2, 'bad'],
          [b1, 'good'],
          [a1, null],
        ] as const
      ).entries())
        made.push(await store.evaluations.create('org-a', score(id!, 10 * i, { label }), day + i))
      const ids = async (filter: Record<string, unknown>) =>
        (await store.evaluations.list('org-a', { limit: 50, ...filter })).map((e) => e.score)
      expect(await ids({})).toEqual([30, 20, 10, 0])
      expect(await ids({ limit: 2 })).toEqual([30, 20])
      expect(await ids({ eventId: a1 })).toEqual([30, 0])
      expect(await ids({ agent: 'a' })).toEqual([30, 10, 0])
      expect(await ids({ label: 'good' })).toEqual([20, 0])
      expect(await ids({ environment: 'staging' })).toEqual([10])
      expect(await ids({ from: day + 1, to: day + 3 })).toEqual([20, 10])
      expect(await ids({ agent: 'a', label: 'good', from: day })).toEqual([0])
      expect(await ids({ agent: 'nobody' })).toEqual([])
      // Two made in the same millisecond: the later id first.
      const again = await store.evaluations.create('org-a', score(b1!, 99), day + 3)
      expect((await store.evaluations.list('org-a', { limit: 2 })).map((e) => e.id)).toEqual([
        again!.id,
        made[3]!.id,
      ])
    })

    it('computes statistics in the window: mean, by agent, by label and by UTC day', async () => {
      const [a, b, none, staging] = await append('org-a', [
        { ts: day, agent: 'a' },
        { ts: day, agent: 'b' },
        { ts: day },
        { ts: day, agent: 'a', environment: 'staging' },
      ])
      const made: Array<[string, number, string | null, number]> = [
        [a!, 90, 'correct', day],
        [a!, 81, 'correct', day + 1000],
        [b!, 40, 'wrong', day + DAY_MS + 5],
        [none!, 70, null, day + DAY_MS + 6],
        [staging!, 10, 'wrong', day + 2 * DAY_MS],
        // Outside the window.
        [a!, 0, 'correct', day - 1],
        [a!, 0, 'correct', day + 3 * DAY_MS],
      ]
      for (const [id, n, label, at] of made)
        await store.evaluations.create('org-a', score(id, n, { label }), at)
      const window = { from: day, to: day + 3 * DAY_MS }
      const stats = await store.evaluations.stats('org-a', window)
      expect(stats.total).toEqual({ count: 5, avg: 58.2 })
      expect(stats.byAgent).toEqual([
        { agent: 'a', count: 3, avg: 60.333333333333336 },
        { agent: 'b', count: 1, avg: 40 },
        { agent: null, count: 1, avg: 70 },
      ])
      expect(stats.byLabel).toEqual([
        { label: 'correct', count: 2, avg: 85.5 },
        { label: 'wrong', count: 2, avg: 25 },
      ])
      expect(stats.byDay).toEqual([
        { day, count: 2, avg: 85.5 },
        { day: day + DAY_MS, count: 2, avg: 55 },
        { day: day + 2 * DAY_MS, count: 1, avg: 10 },
      ])
      const production = await store.evaluations.stats('org-a', {
        ...window,
        environment: 'production',
      })
      expect(production.total).toEqual({ count: 4, avg: 70.25 })
      const agentA = await store.evaluations.stats('org-a', { ...window, agent: 'a' })
      expect(agentA.byAgent).toEqual([{ agent: 'a', count: 3, avg: 60.333333333333336 }])
      expect(agentA.byDay.map((d) => d.count)).toEqual([2, 1])
      const wrong = await store.evaluations.stats('org-a', { ...window, label: 'wrong' })
      expect(wrong.total).toEqual({ count: 2, avg: 25 })
      expect(wrong.byLabel).toEqual([{ label: 'wrong', count: 2, avg: 25 }])
      expect(wrong.byDay.map((d) => d.avg)).toEqual([40, 10])
      expect(await store.evaluations.stats('org-b', window)).toEqual({
        total: { count: 0, avg: null },
        byAgent: [],
        byLabel: [],
        byDay: [],
      })
    })

    it('deletes the evaluations of deleted events in the same call, and only theirs', async () => {
      const [old, keep, other, theirs] = [
        ...(await append('org-a', [
          { ts: day, agent: 'a' },
          { ts: day + DAY_MS, agent: 'a' },
          { ts: day, agent: 'b' },
        ])),
        ...(await append('org-b', [{ ts: day, agent: 'a' }])),
      ]
      for (const id of [old, keep, other])
        await store.evaluations.create('org-a', score(id!, 50), day + 2 * DAY_MS)
      await store.evaluations.create('org-b', score(theirs!, 50), day + 2 * DAY_MS)
      expect(await eraseRange(store, 'org-a', { from: day, to: day + DAY_MS, agent: 'a' })).toBe(1)
      const left = async (orgId: string) =>
        (await store.evaluations.list(orgId, { limit: 10 })).map((e) => e.event_id).sort()
      expect(await left('org-a')).toEqual([keep, other].sort())
      expect(await store.evaluations.forEvent('org-a', old!)).toEqual([])
      expect(await left('org-b')).toEqual([theirs])
      expect((await store.evaluations.stats('org-a', { from: 0, to: day * 2 })).total.count).toBe(2)
      // Erasure of everything: none left, and the deleted event cannot be scored any more.
      await eraseRange(store, 'org-a', { from: 0, to: day * 2 })
      expect(await left('org-a')).toEqual([])
      expect(await store.evaluations.create('org-a', score(keep!, 1), day)).toBeUndefined()
    })

    it('leaves no evaluation behind when creations race a deletion of their events', async () => {
      const ids = await append(
        'org-a',
        Array.from({ length: 500 }, (_, i) => ({ ts: day + i, agent: 'a' })),
      )
      // Creations keep coming, several at a time, for as long as the deletion runs.
      let deleted = false
      const deletion = eraseRange(store, 'org-a', { from: day, to: day + DAY_MS }).finally(() => {
        deleted = true
      })
      const creator = async (k: number) => {
        for (let i = k; !deleted; i += 4)
          await store.evaluations.create('org-a', score(ids[i % ids.length]!, 1), day)
      }
      await Promise.all([deletion, creator(0), creator(1), creator(2), creator(3)])
      expect(await deletion).toBe(500)
      expect(await store.evaluations.list('org-a', { limit: 1000 })).toEqual([])
    })
  })
}
