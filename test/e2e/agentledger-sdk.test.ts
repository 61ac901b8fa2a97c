import { AgentLedger } from 'agentledger'
import { trackFunction } from 'agentledger/integrations/express'
import { createToolExecutor, withAgentLedger } from 'agentledger/integrations/openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closedPortUrl } from '../helpers/closed-port.js'
import { startLiveServer } from '../helpers/live-server.js'
import type { LiveServer } from '../helpers/live-server.js'
import { DIALECTS } from '../helpers/test-app.js'

/** The published agentledger SDK (0.5.0), unmodified, against a real AgentTrail server. */
describe.each(DIALECTS)('the agentledger SDK against AgentTrail (%s)', (dialect) => {
  let live: LiveServer
  let key: string
  beforeAll(async () => {
    live = await startLiveServer(dialect)
    key = await live.key('org-sdk', ['ingest', 'read'], 'al_')
  })
  afterAll(() => live.close())

  const api = async (path: string) => {
    const res = await fetch(`${live.url}${path}`, { headers: { authorization: `Bearer ${key}` } })
    return (await res.json()) as any
  }
  const action = async (id: string) =>
    (await api('/api/v1/actions?limit=200')).actions.find((a: { id: string }) => a.id === id)

  it('logs an action with log() and gets its id back', async () => {
    const ledger = new AgentLedger({ apiKey: key, baseUrl: live.url, environment: 'staging' })
    const { id } = await ledger.log({
      agent: 'data-sync',
      service: 'postgres',
      action: 'bulk_insert',
      status: 'success',
      durationMs: 1523,
      costCents: 4,
      metadata: { rows: 120 },
      traceId: 'tr_sdk_log',
      input: { table: 'users' },
    })
    expect(id).toMatch(/^[0-9a-f-]{36}$/)
    expect(await action(id as string)).toMatchObject({
      agent_name: 'data-sync',
      service: 'postgres',
      action: 'bulk_insert',
      status: 'success',
      duration_ms: 1523,
      estimated_cost_cents: 4,
      request_meta: { rows: 120 },
      trace_id: 'tr_sdk_log',
      input: { table: 'users' },
      environment: 'staging',
    })
  })

  it('track() checks first, runs the function and logs it (no controls: the check allows it)', async () => {
    const errors: Error[] = []
    const ledger = new AgentLedger({
      apiKey: key,
      baseUrl: live.url,
      onError: (e) => errors.push(e),
    })
    const outcome = await ledger.track(
      {
        agent: 'support-bot',
        service: 'slack',
        action: 'send_message',
        input: { text: 'hi' },
        captureOutput: true,
      },
      async () => ({ ok: true, ts: '1.2' }),
    )
    expect(outcome).toMatchObject({
      result: { ok: true, ts: '1.2' },
      allowed: true,
      actionId: expect.any(String),
    })
    expect(errors).toEqual([])
    expect(await action(outcome.actionId as string)).toMatchObject({
      status: 'success',
      input: { text: 'hi' },
      output: { ok: true, ts: '1.2' },
      environment: 'production',
    })
    // An allowed check is not a record of its own: the action is stored once.
    expect((await api('/api/v1/actions?agent=support-bot')).total).toBe(1)
  })

  it('track() fails open when the check cannot be made: a non-2xx answer, or the server down', async () => {
    const errors: Error[] = []
    // A key without the ingest scope: the server answers the check (and the record) 403.
    const readOnly = await live.key('org-sdk', ['read'], 'al_')
    const refused = new AgentLedger({
      apiKey: readOnly,
      baseUrl: live.url,
      onError: (e) => errors.push(e),
    })
    expect(
      await refused.track({ agent: 'a', service: 's', action: 'x' }, async () => 'ran'),
    ).toMatchObject({
      result: 'ran',
      allowed: true,
      actionId: undefined,
    })
    expect(errors.map((e) => e.message)).toEqual([
      'AgentLedger: Check failed (403)',
      'AgentLedger: Failed to log action (403)',
    ])
    errors.length = 0
    const down = new AgentLedger({
      apiKey: key,
      baseUrl: await closedPortUrl(),
      onError: (e) => errors.push(e),
    })
    expect(
      await down.track({ agent: 'a', service: 's', action: 'x' }, async () => 'ran'),
    ).toMatchObject({ result: 'ran' })
    expect(errors.map((e) => e.message)).toEqual(['fetch failed', 'fetch failed'])
  })

  it('track() in fail-closed mode refuses to run the function when the check cannot be made', async () => {
    const readOnly = await live.key('org-sdk', ['read'], 'al_')
    let ran = false
    for (const ledger of [
      new AgentLedger({ apiKey: readOnly, baseUrl: live.url, failOpen: false }),
      new AgentLedger({ apiKey: key, baseUrl: await closedPortUrl(), failOpen: false }),
    ])
      await expect(
        ledger.track({ agent: 'a', service: 's', action: 'x' }, async () => (ran = true)),
      ).rejects.toThrow('AgentLedger: Cannot verify action (fail-closed mode)')
    expect(ran).toBe(false)
  })

  it('track() logs a failing function as an error and rethrows its error', async () => {
    const ledger = new AgentLedger({ apiKey: key, baseUrl: live.url, onError: () => {} })
    await expect(
      ledger.track(
        { agent: 'billing-bot', service: 'stripe', action: 'refund_failing' },
        async () => {
          throw new Error('card_declined')
        },
      ),
    ).rejects.toThrow('card_declined')
    // The SDK logs the failure without waiting for it.
    let logged: any
    for (let i = 0; i < 50 && !logged; i++) {
      logged = (await api('/api/v1/actions?search=refund_failing')).actions[0]
      if (!logged) await new Promise((r) => setTimeout(r, 20))
    }
    expect(logged).toMatchObject({ status: 'error', output: { error: 'card_declined' } })
  })

  it('groups tracked actions under AgentLedger.traceId() and serves the trace', async () => {
    const ledger = new AgentLedger({ apiKey: key, baseUrl: live.url, onError: () => {} })
    const traceId = AgentLedger.traceId()
    expect(traceId).toMatch(/^tr_[0-9a-z]+_[0-9a-z]{1,8}$/)
    // Each function runs until both have started, then 500 ms more, so the two run at the same
    // moment whatever load does to their checks (two fixed 60 ms sleeps could miss each other).
    // The server lays an action out from its receipt minus its duration, so the two intervals
    // overlap unless their records arrive more than 500 ms apart.
    let started = 0
    let bothStarted!: () => void
    const both = new Promise<void>((r) => (bothStarted = r))
    const together = async () => {
      if (++started === 2) bothStarted()
      await both
      await new Promise((r) => setTimeout(r, 500))
    }
    await Promise.all([
      ledger.track(
        { agent: 'research-bot', service: 'tavily', action: 'search', traceId },
        together,
      ),
      ledger.track(
        { agent: 'research-bot', service: 'openai', action: 'summarize', traceId, costCents: 3 },
        together,
      ),
    ])
    await ledger.track(
      { agent: 'research-bot', service: 'sendgrid', action: 'send', traceId },
      async () => 'sent',
    )
    const trace = await api(`/api/v1/traces/${traceId}`)
    expect(trace.traceId).toBe(traceId)
    expect(trace.actions.map((a: { action: string }) => a.action).slice(-1)).toEqual(['send'])
    expect(trace.summary.actionCount).toBe(3)
    expect(trace.summary.totalCost).toBe(3)
    // The two concurrent actions overlap in time; the third ran after both.
    expect(trace.summary.parallelGroups).toEqual([[0, 1]])
    expect(trace.summary.wallDuration).toBeGreaterThanOrEqual(60)
  })

  it('logs batches through /api/v1/actions/batch as the repository SDK sends them', async () => {
    const res = await fetch(`${live.url}/api/v1/actions/batch`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        actions: [
          {
            agent: 'batcher',
            service: 's',
            action: 'one',
            status: 'success',
            cost_cents: 1,
            duration_ms: 5,
            metadata: {},
            environment: 'production',
          },
          {
            agent: 'batcher',
            service: 's',
            action: 'two',
            status: 'error',
            cost_cents: 0,
            duration_ms: 7,
            metadata: {},
            trace_id: 'tr_b',
          },
        ],
      }),
    })
    const body = (await res.json()) as { count: number; ids: string[] }
    expect(res.status).toBe(200)
    expect(body.count).toBe(2)
    expect((await api('/api/v1/actions?agent=batcher')).total).toBe(2)
  })

  it('the integrations log through the same endpoints', async () => {
    const ledger = new AgentLedger({ apiKey: key, baseUrl: live.url, onError: () => {} })
    const send = trackFunction(
      ledger,
      { agent: 'int-bot', service: 'sendgrid', action: 'send_email' },
      async (to: string) => `sent to ${to}`,
    )
    expect(await send('a@example.com')).toBe('sent to a@example.com')
    const wrapped = withAgentLedger(
      ledger,
      { agent: 'int-bot', service: 'jira', action: 'create_issue' },
      async (title: string) => title.length,
    )
    expect(await wrapped('hello')).toBe(5)
    const execute = createToolExecutor(
      ledger,
      'int-bot',
      { charge_card: async (args: Record<string, unknown>) => Number(args.amount) * 2 },
      {
        charge_card: { service: 'stripe', action: 'charge' },
      },
    )
    expect(await execute('charge_card', { amount: 21 })).toBe(42)
    const rows = (await api('/api/v1/actions?agent=int-bot')).actions as Array<{
      service: string
      request_meta: any
    }>
    expect(rows.map((r) => r.service).sort()).toEqual(['jira', 'sendgrid', 'stripe'])
    expect(rows.find((r) => r.service === 'stripe')?.request_meta).toMatchObject({
      source: 'openai-agents',
      toolName: 'charge_card',
    })
  })

  it('a wrong key fails the way the SDK reports it', async () => {
    const ledger = new AgentLedger({
      apiKey: 'al_wrong_key_000000000000000000000000',
      baseUrl: live.url,
    })
    await expect(ledger.log({ agent: 'a', service: 's', action: 'x' })).rejects.toThrow(
      'AgentLedger: Failed to log action (401)',
    )
    expect(() => new AgentLedger({ apiKey: 'at_not_agentledger', baseUrl: live.url })).toThrow(
      'Keys start with "al_"',
    )
  })
})
