import { afterEach, describe, expect, it } from 'vitest'
import { sampleAnnouncement } from '../../../../../test/helpers/announcements.js'
import { loopbackOutbound } from '../../../../../test/helpers/loopback-outbound.js'
import type { Answer, Received } from '../../../../../test/helpers/loopback-receiver.js'
import { startReceiver } from '../../../../../test/helpers/loopback-receiver.js'
import { notificationOf } from '../notification.js'
import { pagerdutyChannel } from './pagerduty.js'

const KEY = 'R0123456789abcdef0123456789ABCDE'
type Body = Record<string, unknown> & { payload?: Record<string, unknown> }

/** The Events API v2's checks (developer.pagerduty.com, "Send an Alert Event"). */
function pagerdutyAnswer(r: Received): Answer {
  const b = JSON.parse(r.body) as Body
  const errors: string[] = []
  if (typeof b.routing_key !== 'string' || b.routing_key.length !== 32) errors.push('routing_key')
  if (!['trigger', 'acknowledge', 'resolve'].includes(b.event_action as string))
    errors.push('event_action')
  if (typeof b.dedup_key !== 'string' || b.dedup_key.length > 255) errors.push('dedup_key')
  if (b.event_action === 'trigger') {
    const p = b.payload ?? {}
    if (typeof p.summary !== 'string' || p.summary.length === 0 || p.summary.length > 1024)
      errors.push('payload.summary')
    if (typeof p.source !== 'string' || p.source === '') errors.push('payload.source')
    if (!['critical', 'error', 'warning', 'info'].includes(p.severity as string))
      errors.push('payload.severity')
    if (p.timestamp !== undefined && Number.isNaN(Date.parse(p.timestamp as string)))
      errors.push('payload.timestamp')
  }
  if (errors.length > 0)
    return {
      status: 400,
      body: JSON.stringify({ status: 'invalid event', message: 'Event object is invalid', errors }),
    }
  return {
    status: 202,
    body: JSON.stringify({ status: 'success', message: 'Event processed', dedup_key: b.dedup_key }),
  }
}

describe('pagerduty channel', () => {
  const closers: Array<() => Promise<void>> = []
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((c) => c()))
  })
  const outbound = loopbackOutbound()

  it('triggers an event with every required field, the severity mapped and a link', async () => {
    const pd = await startReceiver(pagerdutyAnswer)
    closers.push(pd.close)
    const n = notificationOf(sampleAnnouncement('budget.exceeded'), 'https://trail.example.com')
    const result = await pagerdutyChannel.send({ routing_key: KEY }, n, {
      outbound,
      pagerdutyUrl: `${pd.url}/v2/enqueue`,
    })
    expect(result).toMatchObject({ ok: true, status: 202 })
    expect(pd.received[0]!.path).toBe('/v2/enqueue')
    expect(JSON.parse(pd.received[0]!.body)).toEqual({
      routing_key: KEY,
      event_action: 'trigger',
      dedup_key: 'agenttrail:acme:budget.exceeded:0195a1b2-event',
      payload: {
        summary: 'Daily budget of billing-bot is used up: 120/100 actions, $5.20/$5.00.',
        source: 'agenttrail',
        severity: 'critical',
        timestamp: '2026-03-01T12:00:00.000Z',
        component: 'billing-bot',
        group: 'production',
        class: 'budget.exceeded',
        custom_details: {
          org: 'acme',
          Agent: 'billing-bot',
          Environment: 'production',
          Event: 'budget.exceeded',
          Severity: 'critical',
          Period: 'daily',
          Used: '120/100 actions, $5.20/$5.00',
          Budget: 'b1',
        },
      },
      links: [
        {
          href: 'https://trail.example.com/agents/production/billing-bot',
          text: 'Open in AgentTrail',
        },
      ],
      client: 'AgentTrail',
      client_url: 'https://trail.example.com/agents/production/billing-bot',
    })
  })

  it('resolves a created alert with the same dedup key and a minimal body', async () => {
    const pd = await startReceiver(pagerdutyAnswer)
    closers.push(pd.close)
    const deps = { outbound, pagerdutyUrl: pd.url }
    const created = notificationOf(sampleAnnouncement('alert.created'), undefined)
    const resolved = notificationOf(
      { ...sampleAnnouncement('alert.resolved'), eventId: 'later' },
      undefined,
    )
    expect((await pagerdutyChannel.send({ routing_key: KEY }, created, deps)).ok).toBe(true)
    expect((await pagerdutyChannel.send({ routing_key: KEY }, resolved, deps)).ok).toBe(true)
    const [trigger, resolve] = pd.received.map((r) => JSON.parse(r.body) as Body)
    expect(trigger!.dedup_key).toBe('agenttrail:acme:alert:budget_exceeded:production:billing-bot')
    expect(resolve).toEqual({
      routing_key: KEY,
      event_action: 'resolve',
      dedup_key: trigger!.dedup_key,
    })
  })

  it('sends a valid severity for every topic, and a summary within 1,024 characters', async () => {
    const pd = await startReceiver(pagerdutyAnswer)
    closers.push(pd.close)
    const a = sampleAnnouncement('policy.violation')
    const long = notificationOf(
      { ...a, data: { ...(a.data as object), reason: 'r'.repeat(5000) } },
      undefined,
    )
    const result = await pagerdutyChannel.send({ routing_key: KEY }, long, {
      outbound,
      pagerdutyUrl: pd.url,
    })
    expect(result.ok, result.responseBody).toBe(true)
  })

  it('makes a 400 permanent, and a 429 retryable with its Retry-After', async () => {
    let answer: Answer = { status: 400, body: '{"status":"invalid event"}' }
    const pd = await startReceiver(() => answer)
    closers.push(pd.close)
    const deps = { outbound, pagerdutyUrl: pd.url }
    const n = notificationOf(sampleAnnouncement('agent.killed'), undefined)
    expect(await pagerdutyChannel.send({ routing_key: KEY }, n, deps)).toMatchObject({
      ok: false,
      status: 400,
      permanent: true,
    })
    answer = { status: 429, headers: { 'retry-after': '120' } }
    const limited = await pagerdutyChannel.send({ routing_key: KEY }, n, deps)
    expect(limited).toMatchObject({ ok: false, status: 429, retryAfterMs: 120_000 })
    expect(limited.permanent).toBeUndefined()
  })
})
