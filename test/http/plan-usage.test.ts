import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { usageMonth } from '@agenttrail/server'
import { DIALECTS, createTestApp } from '../helpers/test-app.js'
import type { TestApp } from '../helpers/test-app.js'
import { eraseRange } from '../helpers/erasure.js'

const DAY = 86_400_000

/**
 * The monthly log limit counts what the server received this month (the per-org usage counter),
 * and an `Idempotency-Key` replay answers the first answer whatever the plan says now.
 */
describe.each(DIALECTS)('plan usage and idempotent replays (%s)', (dialect) => {
  let t: TestApp
  let ingest: string
  beforeEach(async () => {
    t = await createTestApp({}, dialect)
    ingest = await t.key('org-a', ['ingest'])
  })
  afterEach(() => t.close())

  const native = (body: unknown = { agent: 'bot' }, headers: Record<string, string> = {}) =>
    t.json('POST', '/api/v1/events', { key: ingest, body, headers })
  const sdkLog = (context: unknown = {}, headers: Record<string, string> = {}) =>
    t.json('POST', '/sdk/log', {
      headers: { 'x-api-key': ingest, ...headers },
      body: { agent_id: 'bot', action: 'refund', status: 'success', context },
    })
  const usage = () => t.store.orgs.usage('org-a', usageMonth(Date.now()))

  it('counts backdated events in the month they arrive, on the native and AgentLedger paths', async () => {
    await t.setPlan({ name: 'tiny', logs_per_month: 3 })
    expect((await native({ agent: 'bot', ts: Date.now() - 400 * DAY })).status).toBe(201)
    expect((await native({ agent: 'bot', ts: '2001-01-01T00:00:00Z' })).status).toBe(201)
    // AgentLedger's ts is now - duration_ms: a long duration must not move the action to another month.
    const al = await t.key('org-a', ['ingest'], 'al_')
    const action = { agent: 'bot', service: 's', action: 'x', duration_ms: 40 * DAY }
    expect((await t.json('POST', '/api/v1/actions', { key: al, body: action })).status).toBe(200)
    expect(await usage()).toBe(3)
    const refused = await native({ agent: 'bot', ts: Date.now() - 40 * DAY })
    expect(refused.status).toBe(403)
    expect(refused.body.error).toBe(
      'Monthly log limit reached (3/3). Upgrade your plan for more logs.',
    )
    expect((await t.json('POST', '/api/v1/actions', { key: al, body: action })).status).toBe(429)
  })

  it('holds the monthly limit exactly under a burst: of 25 simultaneous requests at 10 left, exactly 10 are logged', async () => {
    await t.setPlan({ name: 'tiny', logs_per_month: 12 })
    expect((await native({ agent: 'bot', tags: ['a', 'b'] })).status).toBe(201)
    expect((await native()).status).toBe(201)
    const answers = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        i % 2 ? native({ agent: 'bot', n: i }) : sdkLog({ n: i }),
      ),
    )
    expect(answers.filter((a) => a.status === 201 || a.status === 200)).toHaveLength(10)
    expect(answers.filter((a) => a.status === 403)).toHaveLength(15)
    expect(await usage()).toBe(12)
    const stored = await t.json('GET', '/api/v1/events?limit=100', { key: t.adminKey })
    expect(stored.body.events).toHaveLength(12)
    // A batch that does not fit is refused whole, and its places stay free.
    await t.setPlan({ name: 'tiny', logs_per_month: 15 })
    const batch = await t.json('POST', '/api/v1/events/batch', {
      key: ingest,
      body: { events: [{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }] },
    })
    expect(batch.status).toBe(403)
    expect(batch.body.error).toBe(
      'Monthly log limit would be exceeded (12/15 used, 4 more sent). Upgrade your plan for more logs.',
    )
    expect(await usage()).toBe(12)
    expect(
      (
        await t.json('POST', '/api/v1/events/batch', {
          key: ingest,
          body: { events: [{ n: 1 }, { n: 2 }, { n: 3 }] },
        })
      ).status,
    ).toBe(201)
    expect(await usage()).toBe(15)
  })

  it('gives two simultaneous twins under one Idempotency-Key the same answer at the last place', async () => {
    for (let round = 0; round < 5; round++) {
      await t.setPlan({ name: 'tiny', logs_per_month: round + 1 })
      const headers = { 'idempotency-key': `twin-${round}` }
      const [a, b] = await Promise.all([
        native({ agent: 'bot', round }, headers),
        native({ agent: 'bot', round }, headers),
      ])
      expect([a.status, b.status].sort()).toEqual([201, 201])
      expect(a.body.id).toBe(b.body.id)
      expect(await usage()).toBe(round + 1)
    }
  })

  it('answers a twin as its twin when the store takes 200 ms to record the claim', async () => {
    await t.setPlan({ name: 'tiny', logs_per_month: 1 })
    // A store under load: the claim, one round trip after the count, lands late.
    const claim = t.store.idempotency.claim.bind(t.store.idempotency)
    t.store.idempotency.claim = async (...args) => {
      await new Promise((resolve) => setTimeout(resolve, 200))
      return claim(...args)
    }
    const headers = { 'idempotency-key': 'slow-twin' }
    const [a, b] = await Promise.all([
      native({ agent: 'bot' }, headers),
      native({ agent: 'bot' }, headers),
    ])
    expect([a.status, b.status]).toEqual([201, 201])
    expect(a.body.id).toBe(b.body.id)
    expect(await usage()).toBe(1)
  })

  it('answers a request as the creator of its event when a twin appended it first', async () => {
    await t.setPlan({ name: 'tiny', logs_per_month: 1 })
    // Twins under one Idempotency-Key each append the claimed ids (in case the other's append
    // fails); when the twin's commit lands first (in the same group commit, or just before), this
    // request's append finds its own event stored. The store does that here, as the twin would.
    const append = t.store.events.append.bind(t.store.events)
    let twins = 0
    t.store.events.append = async (items) => {
      // The twin replays the claim: its events were counted by this request, not by it.
      if (twins++ === 0) await append(items.map(({ reservedMonth: _, ...twin }) => twin))
      return append(items)
    }
    const res = await native({ agent: 'bot' }, { 'idempotency-key': 'twin-first' })
    expect([res.status, twins]).toEqual([201, 1])
    expect(await usage()).toBe(1)
    // An event stored before the request arrived is a duplicate, as ever.
    t.store.events.append = append
    await t.setPlan({ name: 'tiny', logs_per_month: 10 })
    const again = await native({ id: res.body.id, agent: 'bot' })
    expect(again.status).toBe(200)
  })

  it('refuses a reused Idempotency-Key with another body without using a place', async () => {
    await t.setPlan({ name: 'tiny', logs_per_month: 5 })
    expect((await native({ agent: 'bot', n: 1 }, { 'idempotency-key': 'k' })).status).toBe(201)
    expect((await native({ agent: 'bot', n: 2 }, { 'idempotency-key': 'k' })).status).toBe(422)
    expect(await usage()).toBe(1)
  })

  it('does not count an event id sent again, and gives nothing back when events are deleted', async () => {
    await t.setPlan({ name: 'tiny', logs_per_month: 2 })
    const first = await native({ agent: 'bot', title: 'once' })
    expect((await native({ id: first.body.id, agent: 'bot', title: 'once' })).status).toBe(200)
    expect(await usage()).toBe(1)
    expect((await native()).status).toBe(201)
    expect(await eraseRange(t.store, 'org-a', { from: 0, to: Date.now() + DAY })).toBe(2)
    // Usage is what was consumed this month: deleting it does not make room.
    expect((await native()).status).toBe(403)
    expect(await usage()).toBe(2)
  })

  it('replays an accepted request with the same key after the monthly limit is reached, without a second log', async () => {
    await t.setPlan({ name: 'tiny', logs_per_month: 2 })
    const headers = { 'idempotency-key': 'refund-1' }
    const first = await sdkLog({ n: 1 }, headers)
    const firstNative = await native({ agent: 'bot', n: 2 }, { 'idempotency-key': 'native-1' })
    expect([first.status, firstNative.status]).toEqual([200, 201])
    expect((await sdkLog({ n: 3 })).status).toBe(403)

    const again = await sdkLog({ n: 1 }, headers)
    expect(again.status).toBe(200)
    expect(again.body).toEqual(first.body)
    expect(again.headers.get('idempotent-replayed')).toBe('true')
    const againNative = await native({ agent: 'bot', n: 2 }, { 'idempotency-key': 'native-1' })
    expect(againNative.status).toBe(201)
    expect(againNative.body.id).toBe(firstNative.body.id)
    expect(againNative.headers.get('idempotent-replayed')).toBe('true')
    expect(await usage()).toBe(2)
    // A different body under a used key is still refused as such, before any gate.
    expect((await sdkLog({ n: 4 }, headers)).status).toBe(422)
  })

  it('lets a request refused by a gate succeed under the same key once the cause is gone', async () => {
    await t.setPlan({ name: 'tiny', logs_per_month: 1 })
    expect((await native()).status).toBe(201)
    const headers = { 'idempotency-key': 'after-upgrade' }
    const refused = await sdkLog({ n: 1 }, headers)
    expect(refused.status).toBe(403)
    expect(refused.body.detail.error).toBe('plan_limit_exceeded')
    await t.setPlan({ logs_per_month: 10 })
    const accepted = await sdkLog({ n: 1 }, headers)
    expect(accepted.status).toBe(200)
    expect(accepted.headers.get('idempotent-replayed')).toBeNull()
    expect(
      (await t.json('GET', `/api/v1/events/${accepted.body.id}`, { key: t.adminKey })).status,
    ).toBe(200)
    expect((await sdkLog({ n: 1 }, headers)).body).toEqual(accepted.body)

    // The registration gate too: refused while the agent is unknown, accepted once it is registered.
    await t.json('PATCH', '/api/v1/org/settings', {
      key: t.adminKey,
      body: { require_registered_agents: true },
    })
    const unknown = await native({ agent: 'newcomer' }, { 'idempotency-key': 'first-call' })
    expect(unknown.status).toBe(404)
    expect(
      (await t.json('POST', '/api/v1/agents', { key: t.adminKey, body: { name: 'newcomer' } }))
        .status,
    ).toBe(201)
    const registered = await native({ agent: 'newcomer' }, { 'idempotency-key': 'first-call' })
    expect(registered.status).toBe(201)
    expect(registered.headers.get('idempotent-replayed')).toBeNull()
  })

  it('does not spend a requests-per-minute token on a replay', async () => {
    await t.setPlan({ name: 'tiny', requests_per_minute: 2 })
    const headers = { 'idempotency-key': 'once' }
    const first = await sdkLog({ n: 1 }, headers)
    expect(first.status).toBe(200)
    for (let i = 0; i < 3; i++)
      expect(await sdkLog({ n: 1 }, headers)).toMatchObject({ status: 200, body: first.body })
    expect((await sdkLog({ n: 2 })).status).toBe(200)
    expect((await sdkLog({ n: 3 })).status).toBe(429)
    expect((await sdkLog({ n: 1 }, headers)).status).toBe(200)
  })
})
