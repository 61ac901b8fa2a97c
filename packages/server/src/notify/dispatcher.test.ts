import { afterEach, describe, expect, it } from 'vitest'
import { uuidv7 } from '@agenttrail/protocol'
import { newEvent } from '../../../../test/helpers/events.js'
import { freshDatabase } from '../../../../test/helpers/postgres.js'
import { enforcement } from '../control/engine.js'
import { createLogger } from '../log.js'
import type { ClaimedDelivery } from '../store/notify-store.js'
import { openPostgresStore } from '../store/postgres/postgres-store.js'
import { openSqliteStore } from '../store/sqlite/sqlite-store.js'
import type { Store } from '../store/store.js'
import { createDispatcher } from './dispatcher.js'
import type { Delivered } from './dispatcher.js'

const logger = createLogger('silent')
const ok = (body: string): Delivered => ({
  body,
  result: { ok: true, status: 200, durationMs: 1, responseBody: 'ok' },
})

const subscribe = (store: Store, orgId: string, url = 'https://receiver.example/') =>
  store.notify.createSubscription(
    orgId,
    {
      id: uuidv7(),
      kind: 'webhook',
      channel: null,
      url,
      secret: 'sealed',
      config: null,
      topics: ['action.logged'],
      agent_name: null,
      description: null,
    },
    0,
  )

const actions = (store: Store, orgId: string, n: number) =>
  store.events.append(
    Array.from({ length: n }, () => ({ orgId, event: newEvent({ agent: 'a', kind: 'action' }) })),
  )

describe('the dispatcher', () => {
  const open: Array<{ close(): Promise<void> }> = []
  afterEach(async () => {
    for (const x of open.splice(0).reverse()) await x.close()
  })
  const keep = <T extends { close(): Promise<void> }>(x: T) => (open.push(x), x)
  const dispatcher = (
    store: Store,
    deliver: (d: ClaimedDelivery) => Promise<Delivered>,
    now?: () => number,
  ) => {
    const d = createDispatcher({
      store: store.notify,
      deliver,
      logger,
      pollMs: 60_000,
      retryDelaysMs: [1_000, 1_000],
      ...(now && { now }),
    })
    keep({ close: () => d.stop() })
    return d
  }

  it('delivers what was committed, once each, and records the body sent', async () => {
    const store = keep(openSqliteStore({ path: ':memory:', enforce: enforcement }))
    const sub = await subscribe(store, 'org-a')
    await actions(store, 'org-a', 5)
    const seen: string[] = []
    const d = dispatcher(store, async (x) => {
      seen.push(x.id)
      return ok(`{"n":${seen.length}}`)
    })
    await d.drain()
    expect(seen).toHaveLength(5)
    expect(new Set(seen).size).toBe(5)
    const log = await store.notify.listDeliveries('org-a', sub.id, { limit: 10 })
    expect(log.map((x) => x.status)).toEqual(Array(5).fill('delivered'))
    expect(log.every((x) => x.body?.startsWith('{"n":'))).toBe(true)
    expect(await store.notify.backlog()).toEqual({ outbox: 0, pending: 0 })
  })

  it('retries a failure on its schedule, keeps the first body, and gives up after the last attempt', async () => {
    const store = keep(openSqliteStore({ path: ':memory:', enforce: enforcement }))
    const sub = await subscribe(store, 'org-a')
    await actions(store, 'org-a', 1)
    let clock = Date.now() + 1
    const bodies: Array<string | null> = []
    const d = dispatcher(
      store,
      async (x) => {
        bodies.push(x.body)
        return {
          body: `{"attempt":${x.attempt}}`,
          result: { ok: false, status: 503, durationMs: 1, responseBody: 'busy' },
        }
      },
      () => clock,
    )
    await d.drain()
    expect(bodies).toEqual([null])
    await d.drain()
    expect(bodies).toHaveLength(1)
    clock += 1_200
    await d.drain()
    clock += 1_200
    await d.drain()
    // Three attempts (two delays); the stored body is the first attempt's.
    expect(bodies).toEqual([null, '{"attempt":1}', '{"attempt":1}'])
    const [x] = await store.notify.listDeliveries('org-a', sub.id, { limit: 1 })
    expect(x).toMatchObject({ status: 'failed', attempts: 3, last_status: 503 })
    expect(x?.attempts_log.map((a) => a.error)).toEqual(
      Array(3).fill('status: the receiver answered 503'),
    )
    expect(await store.notify.getSubscription('org-a', 'webhook', sub.id)).toMatchObject({
      failure_count: 1,
      enabled: true,
    })
  })

  it('disables a subscription at 410 and records a sender that could not try as a failed attempt', async () => {
    const store = keep(openSqliteStore({ path: ':memory:', enforce: enforcement }))
    const gone = await subscribe(store, 'org-a', 'https://gone.example/')
    const broken = await subscribe(store, 'org-b')
    await actions(store, 'org-a', 1)
    await actions(store, 'org-b', 1)
    const d = dispatcher(store, async (x) => {
      if (x.subscription.url === 'https://gone.example/')
        return { body: '{}', result: { ok: false, status: 410, durationMs: 1, responseBody: '' } }
      throw new Error('the secret does not open')
    })
    await d.drain()
    expect(await store.notify.getSubscription('org-a', 'webhook', gone.id)).toMatchObject({
      enabled: false,
      disabled_reason: 'gone',
    })
    const [x] = await store.notify.listDeliveries('org-b', broken.id, { limit: 1 })
    // Nothing was sent, so no body is kept: the next attempt makes it.
    expect(x).toMatchObject({ status: 'pending', attempts: 1, body: null })
    expect(x?.attempts_log[0]?.error).toBe('sender: the secret does not open')
  })

  it('shares the work of two servers on one PostgreSQL: every delivery made, none twice', async () => {
    const url = await freshDatabase()
    const a = keep(await openPostgresStore({ url, enforce: enforcement }))
    const b = keep(await openPostgresStore({ url, enforce: enforcement }))
    await subscribe(a, 'org-a')
    await subscribe(a, 'org-a')
    await actions(a, 'org-a', 60)
    await actions(b, 'org-a', 60)
    const made = new Map<string, string[]>()
    // Each server's first attempt waits (at most 10 s) until the other has one in hand too, so the
    // test shows both taking work, whatever the machine's load.
    const started: Record<string, () => void> = {}
    const both = {
      a: new Promise<void>((r) => (started.a = r)),
      b: new Promise<void>((r) => (started.b = r)),
    }
    const deliver = (server: 'a' | 'b') => async (x: ClaimedDelivery) => {
      made.set(x.id, [...(made.get(x.id) ?? []), server])
      started[server]?.()
      const other = both[server === 'a' ? 'b' : 'a']
      await Promise.race([other, new Promise((r) => setTimeout(r, 10_000))])
      return ok('{}')
    }
    // Fanned out first, so that both find deliveries to take (either server could fan out).
    while ((await a.notify.fanOut(Date.now(), 50)) > 0);
    const da = dispatcher(a, deliver('a'))
    const db = dispatcher(b, deliver('b'))
    await Promise.all([da.drain(), db.drain(), da.drain(), db.drain()])
    expect(made.size).toBe(240)
    expect([...made.values()].filter((servers) => servers.length > 1)).toEqual([])
    const servers = new Set([...made.values()].flat())
    expect(servers).toEqual(new Set(['a', 'b']))
    expect(await a.notify.backlog()).toEqual({ outbox: 0, pending: 0 })
  })
})
