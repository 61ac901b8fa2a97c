import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { startReceiver } from '../helpers/loopback-receiver.js'
import type { LoopbackReceiver } from '../helpers/loopback-receiver.js'
import { spawnServer } from '../helpers/process.js'
import type { ServerProcess } from '../helpers/process.js'
import { sseReader } from '../helpers/sse.js'
import type { SseFrame } from '../helpers/sse.js'

/**
 * An anomaly raised by the server's own evaluator, end to end: a real server process with a week of
 * history, a spike in the hour running, and the alert heard by a webhook, PagerDuty and the live
 * stream; then resolved (its rule disabled) and the same PagerDuty incident resolved.
 */
const KEY = 'at_alerts_out_test_key_0123456789abcdef'
const HOUR = 3_600_000
const servers: ServerProcess[] = []
const closers: Array<() => Promise<void> | void> = []
const dirs: string[] = []
afterEach(async () => {
  for (const s of servers.splice(0)) if (s.proc.exitCode === null) s.proc.kill('SIGKILL')
  for (const close of closers.splice(0)) await close()
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

const call = async (url: string, method: string, path: string, body?: unknown) => {
  const res = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  })
  return { status: res.status, body: (await res.json()) as any }
}
const until = async (what: string, done: () => boolean, ms = 60_000, state = () => '') => {
  const deadline = Date.now() + ms
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} ${state()}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}
const bodies = (r: LoopbackReceiver) => r.received.map((x) => JSON.parse(x.body))

describe('anomaly alerts out, end to end', () => {
  it('raises an alert from the server evaluator, announces it to a webhook, PagerDuty and the stream, and resolves the same incident', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agenttrail-alerts-out-'))
    dirs.push(dir)
    const hooks = await startReceiver(() => ({ status: 200 }))
    const pagerduty = await startReceiver(() => ({ status: 202 }))
    closers.push(
      () => hooks.close(),
      () => pagerduty.close(),
    )
    const server = await spawnServer(dir, {
      AGENTTRAIL_INIT_API_KEY: KEY,
      AGENTTRAIL_OUTBOUND_ALLOW: '127.0.0.1',
      AGENTTRAIL_DELIVERY_POLL_MS: '100',
      AGENTTRAIL_ALERT_INTERVAL_MS: '300',
      AGENTTRAIL_PAGERDUTY_URL: `${pagerduty.url}/v2/enqueue`,
    })
    servers.push(server)
    const url = server.url
    expect(
      (
        await call(url, 'POST', '/api/v1/webhooks', {
          url: `${hooks.url}/hook`,
          events: ['alert.created', 'alert.resolved'],
        })
      ).status,
    ).toBe(200)
    expect(
      (
        await call(url, 'POST', '/api/v1/notifications', {
          channel: 'pagerduty',
          config: { routing_key: 'R0UT1NGKEY0123456789ABCDEF012345' },
          events: ['alert.created', 'alert.resolved'],
        })
      ).status,
    ).toBe(200)
    const stream = await fetch(`${url}/api/v1/stream?events=alert.new`, {
      headers: { authorization: `Bearer ${KEY}` },
    })
    expect(stream.status).toBe(200)
    const frames = sseReader(stream.body)
    const alertFrames: SseFrame[] = []
    const reading = (async () => {
      for (let f = await frames.next(); f; f = await frames.next())
        if (f.event === 'alert.new') alertFrames.push(f)
    })()

    // A week of history: four actions an hour, every hour, before the hour running.
    const now = Date.now()
    const hourNow = Math.floor(now / HOUR) * HOUR
    const history = []
    for (let h = hourNow - 7 * 24 * HOUR; h < hourNow; h += HOUR)
      for (let i = 0; i < 4; i++)
        history.push({
          agent: 'billing-bot',
          service: 'stripe',
          action: 'charge',
          ts: h + i * 600_000,
        })
    for (let i = 0; i < history.length; i += 1_000)
      expect(
        (await call(url, 'POST', '/api/v1/events/batch', { events: history.slice(i, i + 1_000) }))
          .status,
      ).toBe(201)
    // Baselines read the rollups, which the roller derives behind ingest: wait until it is there.
    let baseline = await call(url, 'GET', '/api/v1/baselines?agent=billing-bot')
    const deadline = Date.now() + 60_000
    while (baseline.body.status !== 'ready' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100))
      baseline = await call(url, 'GET', '/api/v1/baselines?agent=billing-bot')
    }
    expect(baseline.body).toMatchObject({
      agent: 'billing-bot',
      status: 'ready',
      method: 'hour_of_day',
      metrics: { actions_per_hour: { median: 4, mean: 4, stddev: 0 } },
    })

    // The spike: 200 actions now, fifty times the usual; it fires before the hour is over.
    const spike = Array.from({ length: 200 }, () => ({
      agent: 'billing-bot',
      service: 'stripe',
      action: 'charge',
    }))
    expect((await call(url, 'POST', '/api/v1/events/batch', { events: spike })).status).toBe(201)
    await until(
      'the webhook, PagerDuty and the stream',
      () => hooks.received.length >= 1 && pagerduty.received.length >= 1 && alertFrames.length >= 1,
      60_000,
      () =>
        `(webhook ${hooks.received.length}, pagerduty ${pagerduty.received.length}, stream ${alertFrames.length})`,
    )
    const [created] = bodies(hooks)
    expect(created).toMatchObject({
      event: 'alert.created',
      data: {
        agent_name: 'billing-bot',
        alert_type: 'actions_anomaly',
        severity: 'critical',
        state: 'firing',
        rule_id: 'anomaly-actions-per-hour',
      },
    })
    const alertId = created.data.id as string
    expect(JSON.parse(alertFrames[0]?.data ?? '{}')).toMatchObject({ id: alertId })
    const [trigger] = bodies(pagerduty)
    expect(trigger).toMatchObject({ event_action: 'trigger', payload: { severity: 'critical' } })

    // Disabled, the rule's open alert is resolved by the next pass: the same incident closes.
    expect(
      (await call(url, 'PATCH', '/api/v1/alert-rules/anomaly-actions-per-hour', { enabled: false }))
        .status,
    ).toBe(200)
    await until(
      'the resolution',
      () => hooks.received.length >= 2 && pagerduty.received.length >= 2,
    )
    const resolved = bodies(hooks)[1]
    expect(resolved).toMatchObject({
      event: 'alert.resolved',
      data: { id: alertId, state: 'resolved' },
    })
    const resolve = bodies(pagerduty)[1]
    expect(resolve).toMatchObject({ event_action: 'resolve', dedup_key: trigger.dedup_key })
    const alert = await call(url, 'GET', `/api/v1/alerts/${alertId}`)
    expect(alert.body.alert.history.map((t: { state: string }) => t.state)).toEqual([
      'firing',
      'resolved',
    ])
    // One alert, announced once each way, although the evaluator ran many times meanwhile.
    await new Promise((r) => setTimeout(r, 1_000))
    expect(hooks.received).toHaveLength(2)
    expect(alertFrames).toHaveLength(1)
    server.proc.kill('SIGKILL')
    await reading.catch(() => undefined)
  }, 120_000)
})
