import { createHmac, randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Webhook } from 'standardwebhooks'
import { startReceiver } from '../helpers/loopback-receiver.js'
import type { LoopbackReceiver, Received } from '../helpers/loopback-receiver.js'
import { startSmtp } from '../helpers/loopback-smtp.js'
import type { LoopbackSmtp } from '../helpers/loopback-smtp.js'
import { freshDatabase } from '../helpers/postgres.js'
import { spawnServer } from '../helpers/process.js'
import type { ServerProcess } from '../helpers/process.js'

/**
 * The publish stage end to end: real server processes, real receivers on loopback. Deliveries
 * survive a SIGKILL, two servers on one PostgreSQL share them, the signatures verify with the
 * reference's own snippet and the Standard Webhooks library, and every channel hears a kill.
 */
const KEY = 'at_events_out_test_key_0123456789abcdef'
const FAST = {
  AGENTTRAIL_INIT_API_KEY: KEY,
  AGENTTRAIL_OUTBOUND_ALLOW: '127.0.0.1',
  AGENTTRAIL_DELIVERY_TIMEOUT_MS: '2000',
  AGENTTRAIL_DELIVERY_RETRY_SECONDS: '0.2,0.5,1,1,1,1,1',
  AGENTTRAIL_DELIVERY_POLL_MS: '100',
}

const servers: ServerProcess[] = []
const closers: Array<() => Promise<void>> = []
const dirs: string[] = []
afterEach(async () => {
  for (const s of servers.splice(0)) if (s.proc.exitCode === null) s.proc.kill('SIGKILL')
  for (const close of closers.splice(0)) await close()
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'agenttrail-events-out-'))
  dirs.push(d)
  return d
}
const start = async (dir: string, env: Record<string, string> = {}) => {
  const s = await spawnServer(dir, { ...FAST, ...env })
  servers.push(s)
  return s
}
const receiver = async (
  answer: (r: Received) => { status: number } | Promise<{ status: number }> = () => ({
    status: 200,
  }),
) => {
  const r = await startReceiver(answer)
  closers.push(() => r.close())
  return r
}
const call = async (url: string, method: string, path: string, body?: unknown) => {
  const res = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  })
  return { status: res.status, body: (await res.json()) as any }
}
const webhook = async (url: string, to: LoopbackReceiver, events: string[]) => {
  const created = await call(url, 'POST', '/api/v1/webhooks', { url: `${to.url}/hook`, events })
  expect(created.status).toBe(200)
  return created.body as { id: string; secret: string }
}
const actions = (url: string, n: number, agent = 'billing-bot') =>
  call(url, 'POST', '/api/v1/events/batch', {
    events: Array.from({ length: n }, (_, i) => ({
      agent,
      kind: 'action',
      service: 'stripe',
      action: 'charge',
      metadata: { n: i },
    })),
  })
const until = async (what: string, done: () => boolean, ms = 60_000) => {
  const deadline = Date.now() + ms
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}
const payloads = (r: LoopbackReceiver) =>
  r.received.map((x) => ({ id: x.headers['webhook-id'] as string, body: JSON.parse(x.body) }))

/** AgentLedger's documented verification, as its docs write it (shared/reference/004). */
function referenceVerify(secret: string, r: Received): boolean {
  const signature = r.headers['x-agentledger-signature']
  const expected =
    'sha256=' +
    createHmac('sha256', secret)
      .update(JSON.stringify(JSON.parse(r.body)))
      .digest('hex')
  return signature === expected
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const eventIds = (r: LoopbackReceiver) => new Set(payloads(r).map((p) => p.body.data.id as string))

describe('events out, end to end', () => {
  it('delivers every announcement committed before a SIGKILL, after the restart, each delivery id seen at least once', async () => {
    const dir = tempDir()
    // The first 20 are answered; the rest are held open, in flight (taken, not settled), until
    // the server has died: it cannot finish before the kill, however slow the machine.
    let open = () => {}
    const gate = new Promise<void>((resolve) => (open = resolve))
    let answered = 0
    const hook = await receiver(async () => {
      if (answered++ >= 20) await gate
      return { status: 200 }
    })
    const first = await start(dir)
    const { secret } = await webhook(first.url, hook, ['action.logged'])
    expect((await actions(first.url, 300)).status).toBe(201)
    await until('the first deliveries', () => hook.received.length >= 20)
    first.proc.kill('SIGKILL')
    await first.exited
    open()
    const seenBefore = hook.received.length
    expect(eventIds(hook).size).toBeLessThan(300)
    await start(dir)
    await until('every action delivered', () => eventIds(hook).size === 300)
    const ids = payloads(hook).map((p) => p.id)
    // One delivery id per event; a repeat is a delivery that was in flight when the server died.
    expect(new Set(ids).size).toBe(300)
    const repeats = ids.length - new Set(ids).size
    expect(repeats).toBeLessThanOrEqual(seenBefore)
    console.info(`SIGKILL after ${seenBefore} of 300 deliveries: ${repeats} delivered twice`)
    const standard = new Webhook(secret.slice('whsec_'.length))
    for (const r of hook.received) {
      expect(referenceVerify(secret, r)).toBe(true)
      expect(() => standard.verify(r.body, r.headers as Record<string, string>)).not.toThrow()
    }
    expect(payloads(hook)[0]?.body).toMatchObject({
      event: 'action.logged',
      timestamp: expect.any(String),
      data: {
        id: expect.any(String),
        agent_name: 'billing-bot',
        service: 'stripe',
        action: 'charge',
        status: 'success',
        cost_cents: 0,
        duration_ms: 0,
        environment: 'production',
        metadata: { n: expect.any(Number) },
        created_at: expect.any(String),
      },
    })
  })

  it('shares deliveries between two servers on one PostgreSQL: every event delivered, none twice', async () => {
    // Servers sharing a database share the key that seals stored secrets.
    const env = {
      DATABASE_URL: await freshDatabase(),
      AGENTTRAIL_SECRET_KEY: randomBytes(32).toString('base64'),
    }
    const hook = await receiver()
    const a = await start(tempDir(), env)
    const b = await start(tempDir(), env)
    await webhook(a.url, hook, ['action.logged', 'batch.logged'])
    for (let i = 0; i < 6; i++) expect((await actions(i % 2 ? b.url : a.url, 50)).status).toBe(201)
    await until('every delivery', () => hook.received.length >= 306, 20_000).catch((e) => {
      throw new Error(
        `${e.message}: ${hook.received.length} received ${JSON.stringify(hook.received.filter((r) => !r.body.includes('action.logged')))}`,
      )
    })
    await sleep(500)
    const ids = payloads(hook).map((p) => p.id)
    expect(ids.length).toBe(306)
    expect(new Set(ids).size).toBe(306)
    const batches = payloads(hook).filter((p) => p.body.event === 'batch.logged')
    expect(batches.map((p) => p.body.data)).toEqual(
      Array(6).fill({ count: 50, agents: ['billing-bot'] }),
    )
  })

  it('tells every channel and rollback hook of a kill, and retries a receiver that was down', async () => {
    const smtp: LoopbackSmtp = await startSmtp()
    closers.push(() => smtp.close())
    let slackUp = false
    const slack = await receiver(() => ({ status: slackUp ? 200 : 503 }))
    const discord = await receiver(() => ({ status: 204 }))
    const pagerduty = await receiver(() => ({ status: 202 }))
    const rollback = await receiver()
    const server = await start(tempDir(), {
      AGENTTRAIL_PAGERDUTY_URL: `${pagerduty.url}/v2/enqueue`,
      AGENTTRAIL_SMTP_URL: smtp.url,
      AGENTTRAIL_SMTP_FROM: 'AgentTrail <alerts@agenttrail.test>',
      AGENTTRAIL_PUBLIC_URL: 'https://trail.example.com',
    })
    const channel = (name: string, config: Record<string, string>) =>
      call(server.url, 'POST', '/api/v1/notifications', {
        channel: name,
        config,
        events: ['agent.killed', 'alert.created'],
      })
    expect((await channel('slack', { webhook_url: `${slack.url}/services/T/B/x` })).status).toBe(
      200,
    )
    expect(
      (await channel('discord', { webhook_url: `${discord.url}/api/webhooks/1/abc` })).status,
    ).toBe(200)
    expect(
      (await channel('pagerduty', { routing_key: 'R0UT1NGKEY0123456789ABCDEF012345' })).status,
    ).toBe(200)
    expect((await channel('email', { email: 'oncall@agenttrail.test' })).status).toBe(200)
    const hook = await call(server.url, 'POST', '/api/v1/rollback-hooks', {
      url: `${rollback.url}/rollback`,
      agent_name: 'billing-bot',
      triggers: ['agent.killed', 'budget.exceeded'],
    })
    expect(hook.status).toBe(201)
    expect((await actions(server.url, 3)).status).toBe(201)
    const killed = await call(server.url, 'POST', '/api/v1/agents/billing-bot/kill')
    expect(killed.status).toBe(200)

    await until('the rollback call', () => rollback.received.length === 1)
    const [call1] = rollback.received
    const body = JSON.parse(call1?.body ?? '{}')
    expect(body).toMatchObject({
      trigger: 'agent.killed',
      agent: 'billing-bot',
      timestamp: expect.any(String),
    })
    expect(body.trace_context.actions).toHaveLength(3)
    expect(body.trace_context.actions[0]).toMatchObject({
      service: 'stripe',
      action: 'charge',
      status: 'success',
    })
    expect(referenceVerify(hook.body.secret, call1 as Received)).toBe(true)

    await until(
      'discord, pagerduty and e-mail',
      () =>
        discord.received.length >= 2 && pagerduty.received.length >= 2 && smtp.messages.length >= 2,
    )
    const incidents = pagerduty.received.map((r) => JSON.parse(r.body))
    expect(incidents.map((i) => i.payload.severity).sort()).toEqual(['critical', 'critical'])
    expect(incidents.every((i) => i.routing_key === 'R0UT1NGKEY0123456789ABCDEF012345')).toBe(true)
    expect(smtp.messages.map((m) => m.mail.subject)).toEqual(
      expect.arrayContaining([expect.stringContaining('billing-bot')]),
    )
    expect(smtp.messages.every((m) => m.rcptTo.includes('oncall@agenttrail.test'))).toBe(true)
    expect(smtp.messages[0]?.mail.text).toContain('https://trail.example.com/')
    // Slack answered 503: each of its two deliveries is retried until Slack is up, then delivered.
    await until('a failed slack attempt', () => slack.received.length >= 2)
    slackUp = true
    const settings = await call(server.url, 'GET', '/api/v1/notifications')
    expect(JSON.stringify(settings.body)).not.toContain('R0UT1NGKEY0123456789ABCDEF012345')
    const slackId = (settings.body.settings as Array<{ id: string; channel: string }>).find(
      (x) => x.channel === 'slack',
    )?.id
    type Log = Array<{ status: string; attempts_log: Array<{ status_code: number | null }> }>
    let log: Log = []
    const delivered = async () => {
      log = (await call(server.url, 'GET', `/api/v1/notifications/${slackId}/deliveries`)).body
        .deliveries
      return log.length === 2 && log.every((d) => d.status === 'delivered')
    }
    const deadline = Date.now() + 30_000
    while (!(await delivered()) && Date.now() < deadline) await sleep(100)
    expect(log.map((d) => d.status)).toEqual(['delivered', 'delivered'])
    for (const d of log) {
      const codes = d.attempts_log.map((a) => a.status_code)
      expect(codes.at(-1)).toBe(200)
      expect(codes.slice(0, -1).every((c) => c === 503)).toBe(true)
    }
    expect(log.some((d) => d.attempts_log.length > 1)).toBe(true)
  })
})
