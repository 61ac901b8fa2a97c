import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { uuidv7 } from '@agenttrail/protocol'
import { newEvent } from '../../../../test/helpers/events.js'
import type { AttemptOutcome, NewSubscription } from './notify-store.js'
import type { Topic } from './outbox-rows.js'
import type { Store } from './store.js'

/** The publish stage's storage, the same on every store: the outbox, the fan-out, claims and leases. */
export function describeOutboxContract(name: string, open: () => Promise<Store> | Store): void {
  describe(`store contract: ${name}: outbox and deliveries`, () => {
    let store: Store
    beforeEach(async () => {
      store = await open()
    })
    afterEach(() => store.close())

    const T0 = Date.UTC(2026, 11, 1)
    const webhook = (topics: Topic[], extra: Partial<NewSubscription> = {}): NewSubscription => ({
      id: uuidv7(),
      kind: 'webhook',
      channel: null,
      url: 'https://receiver.example/hook',
      secret: 'sealed-secret',
      config: null,
      topics,
      agent_name: null,
      description: null,
      ...extra,
    })
    const append = (orgId: string, events: Array<Record<string, unknown>>) =>
      store.events.append(events.map((fields) => ({ orgId, event: newEvent(fields) })))
    const outcome = (o: Partial<AttemptOutcome>): AttemptOutcome => ({
      ok: true,
      status: 200,
      durationMs: 5,
      error: null,
      responseBody: 'ok',
      startedAt: T0 + 10,
      body: '{"event":"x"}',
      retryAt: null,
      ...o,
    })

    it('writes no outbox row for an org without subscriptions', async () => {
      await append('org-a', [{ agent: 'a', kind: 'action' }])
      expect(await store.notify.backlog()).toEqual({ outbox: 0, pending: 0 })
    })

    it('writes one row naming the new events of an org with subscriptions, in the append, and none for a duplicate', async () => {
      await store.notify.createSubscription('org-a', webhook(['action.logged', 'action.error']), T0)
      const e = newEvent({ agent: 'a', kind: 'action', status: 'error' })
      await store.events.append([
        { orgId: 'org-a', event: e },
        { orgId: 'org-a', event: newEvent({ agent: 'a', kind: 'action' }) },
        { orgId: 'org-b', event: newEvent({ agent: 'a', kind: 'action' }) },
      ])
      // One row names org-a's two new events; org-b has no subscription.
      expect((await store.notify.backlog()).outbox).toBe(1)
      await store.events.append([{ orgId: 'org-a', event: e }])
      expect((await store.notify.backlog()).outbox).toBe(1)
      // Fanned out, the error announces twice (action.logged and action.error).
      expect(await store.notify.fanOut(Date.now(), 100)).toBe(1)
      expect((await store.notify.backlog()).pending).toBe(3)
    })

    it('fans each row out once, to the subscriptions that want it and existed when it was announced', async () => {
      const early = await store.notify.createSubscription('org-a', webhook(['action.logged']), 0)
      const other = await store.notify.createSubscription('org-a', webhook(['agent.killed']), 0)
      await append('org-a', [
        { agent: 'a', kind: 'action' },
        { agent: 'b', kind: 'tool_call' },
      ])
      // Created after the rows were announced: not sent the past.
      await store.notify.createSubscription(
        'org-a',
        webhook(['action.logged']),
        Date.now() + 60_000,
      )
      expect(await store.notify.fanOut(Date.now(), 100)).toBe(1)
      expect(await store.notify.fanOut(Date.now(), 100)).toBe(0)
      expect(await store.notify.backlog()).toEqual({ outbox: 0, pending: 2 })
      expect(await store.notify.listDeliveries('org-a', early.id, { limit: 10 })).toHaveLength(2)
      expect(await store.notify.listDeliveries('org-a', other.id, { limit: 10 })).toHaveLength(0)
    })

    it('lets one dispatcher hold a delivery until its lease lapses, then another takes it again', async () => {
      await store.notify.createSubscription('org-a', webhook(['action.logged']), 0)
      await append('org-a', [
        { agent: 'a', kind: 'action' },
        { agent: 'a', kind: 'action' },
      ])
      await store.notify.fanOut(Date.now(), 100)
      const now = Date.now() + 1
      const [first, second] = await Promise.all([
        store.notify.claimDeliveries(now, 10, 30_000),
        store.notify.claimDeliveries(now, 10, 30_000),
      ])
      const ids = [...(first ?? []), ...(second ?? [])].map((d) => d.id)
      expect(ids).toHaveLength(2)
      expect(new Set(ids).size).toBe(2)
      expect(await store.notify.claimDeliveries(now + 29_999, 10, 30_000)).toEqual([])
      const again = await store.notify.claimDeliveries(now + 30_000, 10, 30_000)
      expect(again.map((d) => d.attempt)).toEqual([2, 2])
      // The first holder's late outcome is ignored: the delivery was taken again since.
      const d = again[0] as (typeof again)[number]
      expect(await store.notify.settleDelivery('org-a', d.id, 1, outcome({}), 10)).toBe(false)
      expect(await store.notify.settleDelivery('org-a', d.id, 2, outcome({}), 10)).toBe(true)
      expect(await store.notify.settleDelivery('org-a', d.id, 2, outcome({}), 10)).toBe(false)
      const [log] = await store.notify
        .listDeliveries('org-a', d.subscription_id, { limit: 10 })
        .then((list) => list.filter((x) => x.id === d.id))
      expect(log?.status).toBe('delivered')
      expect(log?.body).toBe('{"event":"x"}')
      expect(log?.attempts_log.map((a) => [a.attempt, a.ok, a.status_code])).toEqual([
        [2, true, 200],
      ])
    })

    it('retries at the time given, counts a delivery that failed for good, and disables at the limit', async () => {
      const sub = await store.notify.createSubscription('org-a', webhook(['action.logged']), 0)
      await append('org-a', [
        { agent: 'a', kind: 'action' },
        { agent: 'a', kind: 'action' },
      ])
      await store.notify.fanOut(Date.now(), 100)
      const t = Date.now() + 1
      for (const d of await store.notify.claimDeliveries(t, 10, 1_000))
        await store.notify.settleDelivery(
          'org-a',
          d.id,
          d.attempt,
          outcome({ ok: false, status: 500, error: 'http: 500', retryAt: t + 5_000 }),
          2,
        )
      expect(await store.notify.claimDeliveries(t + 4_999, 10, 1_000)).toEqual([])
      const retried = await store.notify.claimDeliveries(t + 5_000, 10, 1_000)
      expect(retried).toHaveLength(2)
      for (const d of retried)
        await store.notify.settleDelivery(
          'org-a',
          d.id,
          d.attempt,
          outcome({ ok: false, status: 500, retryAt: null }),
          2,
        )
      const after = await store.notify.getSubscription('org-a', 'webhook', sub.id)
      expect(after).toMatchObject({ enabled: false, disabled_reason: 'failures', failure_count: 2 })
      // Disabled: the org's appends stop writing rows for it.
      await append('org-a', [{ agent: 'a', kind: 'action' }])
      expect((await store.notify.backlog()).outbox).toBe(0)
      // Re-enabled: the count starts again, and rows are written again.
      const on = await store.notify.updateSubscription(
        'org-a',
        'webhook',
        sub.id,
        { enabled: true },
        t,
      )
      expect(on).toMatchObject({ enabled: true, disabled_reason: null, failure_count: 0 })
      await append('org-a', [{ agent: 'a', kind: 'action' }])
      expect((await store.notify.backlog()).outbox).toBe(1)
    })

    it('settles outcomes made at once together: each delivery once, failures in a row counted across them', async () => {
      const sub = await store.notify.createSubscription('org-a', webhook(['action.logged']), 0)
      await append(
        'org-a',
        Array.from({ length: 6 }, () => ({ agent: 'a', kind: 'action' })),
      )
      await store.notify.fanOut(Date.now(), 100)
      const claimed = await store.notify.claimDeliveries(Date.now() + 1, 10, 60_000)
      expect(claimed).toHaveLength(6)
      const failed = outcome({ ok: false, status: 500, retryAt: null })
      const results = await Promise.all([
        ...claimed.map((d) => store.notify.settleDelivery('org-a', d.id, d.attempt, failed, 5)),
        // The same attempt settled twice at once: it counts once.
        store.notify.settleDelivery('org-a', claimed[0]?.id as string, 1, failed, 5),
      ])
      expect(results.filter(Boolean)).toHaveLength(6)
      expect(await store.notify.getSubscription('org-a', 'webhook', sub.id)).toMatchObject({
        failure_count: 6,
        enabled: false,
        disabled_reason: 'failures',
      })
      const log = await store.notify.listDeliveries('org-a', sub.id, { limit: 10 })
      expect(log.map((d) => [d.status, d.attempts_log.length])).toEqual(
        Array(6).fill(['failed', 1]),
      )
    })

    it('disables a subscription whose receiver is gone, and resets the failure count on a success', async () => {
      const sub = await store.notify.createSubscription('org-a', webhook(['action.logged']), 0)
      const test = await store.notify.enqueue('org-a', sub.id, 'webhook.test', '{}', T0)
      expect(test).toMatchObject({ topic: 'webhook.test', status: 'pending', attempts: 0 })
      const [d] = await store.notify.claimDeliveries(T0, 10, 1_000)
      expect(d?.subscription.url).toBe('https://receiver.example/hook')
      expect(d?.subscription.secret).toBe('sealed-secret')
      await store.notify.settleDelivery(
        'org-a',
        test.id,
        1,
        outcome({ ok: false, status: 410, retryAt: null, disable: 'gone' }),
        10,
      )
      expect(await store.notify.getSubscription('org-a', 'webhook', sub.id)).toMatchObject({
        enabled: false,
        disabled_reason: 'gone',
      })
      // Sent again by hand: same id, same body kept, a new attempt.
      const again = await store.notify.redeliver('org-a', sub.id, test.id, T0 + 5)
      expect(again).toMatchObject({ id: test.id, status: 'pending' })
      expect(await store.notify.redeliver('org-a', sub.id, uuidv7(), T0)).toBeUndefined()
    })

    it('changes and deletes subscriptions of one org and kind only, with their deliveries', async () => {
      const sub = await store.notify.createSubscription('org-a', webhook(['action.logged']), T0)
      expect(await store.notify.getSubscription('org-b', 'webhook', sub.id)).toBeUndefined()
      expect(await store.notify.getSubscription('org-a', 'rollback', sub.id)).toBeUndefined()
      expect(
        await store.notify.updateSubscription('org-b', 'webhook', sub.id, { enabled: false }, T0),
      ).toBeUndefined()
      const changed = await store.notify.updateSubscription(
        'org-a',
        'webhook',
        sub.id,
        { topics: ['agent.killed'], url: 'https://other.example/', enabled: false },
        T0 + 1,
      )
      expect(changed).toMatchObject({
        topics: ['agent.killed'],
        url: 'https://other.example/',
        enabled: false,
        disabled_reason: 'operator',
      })
      await store.notify.enqueue('org-a', sub.id, 'webhook.test', '{}', T0)
      expect(await store.notify.deleteSubscription('org-b', 'webhook', sub.id)).toBe(false)
      expect(await store.notify.deleteSubscription('org-a', 'webhook', sub.id)).toBe(true)
      expect(await store.notify.listSubscriptions('org-a', 'webhook')).toEqual([])
      expect(await store.notify.backlog()).toEqual({ outbox: 0, pending: 0 })
    })
  })
}
