import { ActionBlockedError, AgentTrail, AgentTrailError, ApprovalRequiredError } from 'agenttrail'
import type { AgentTrailOptions } from 'agenttrail'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { closedPortUrl } from '../helpers/closed-port.js'
import { startLiveServer } from '../helpers/live-server.js'
import type { LiveServer } from '../helpers/live-server.js'
import { DIALECTS } from '../helpers/test-app.js'

type Json = Record<string, any>

/**
 * The SDK's track() under the real control plane: its check sends the cost and the input, so cost,
 * payload and approval rules decide before the function runs; its record (batched) settles the check.
 */
describe.each(DIALECTS)('the SDK’s track() under the control plane (%s)', (dialect) => {
  let live: LiveServer
  let operatorKey: string
  let approverKey: string
  let sdkKey: string
  const clients: AgentTrail[] = []
  const errors: Error[] = []
  beforeAll(async () => {
    live = await startLiveServer(dialect)
    ;[operatorKey, approverKey, sdkKey] = await Promise.all([
      live.key('org-sdk-control', ['control', 'read']),
      live.key('org-sdk-control', ['approve']),
      live.key('org-sdk-control', ['ingest']),
    ])
  })
  afterEach(() => {
    errors.length = 0
  })
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.shutdown()))
    await live.close()
  })

  const client = (options: AgentTrailOptions = {}) => {
    const trail = new AgentTrail({
      apiKey: sdkKey,
      baseUrl: live.url,
      flushOnExit: false,
      onError: (e) => errors.push(e),
      ...options,
    })
    clients.push(trail)
    return trail
  }
  const call = async (key: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${live.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    return { status: res.status, body: (await res.json()) as Json }
  }
  const create = async (path: string, body: Json) => {
    const res = await call(operatorKey, 'POST', path, body)
    expect(res.status).toBe(201)
    return res.body
  }
  const events = async (query: string) =>
    (await call(operatorKey, 'GET', `/api/v1/events?${query}`)).body.events as Json[]
  const counter = () => {
    const fn = async () => ++fn.runs
    fn.runs = 0
    return fn
  }

  it('refuses a cost and a payload before the function runs, which AgentLedger could only flag afterwards', async () => {
    await create('/api/v1/policies', {
      agent_name: 'spender',
      rule_type: 'cost_limit_per_action',
      rule_config: { max_cost_cents: 100 },
    })
    await create('/api/v1/policies', {
      agent_name: 'spender',
      rule_type: 'payload_regex_block',
      rule_config: { patterns: ['\\d{3}-\\d{2}-\\d{4}'] },
    })
    const trail = client()
    const run = counter()
    const costly = (await trail
      .track({ agent: 'spender', service: 'openai', action: 'complete', costCents: 900 }, run)
      .catch((e) => e)) as Error
    expect(costly).toBeInstanceOf(ActionBlockedError)
    expect(costly.message).toBe(
      'AgentLedger: Action blocked - Policy: Cost 900 cents exceeds the limit of 100 cents per action',
    )
    await expect(
      trail.track(
        { agent: 'spender', service: 'mail', action: 'send', input: { body: 'ssn 123-45-6789' } },
        run,
      ),
    ).rejects.toThrow(/^AgentLedger: Action blocked - Policy: input matches blocked pattern 1/)
    expect(run.runs).toBe(0)
    await trail.track(
      {
        agent: 'spender',
        service: 'openai',
        action: 'complete',
        costCents: 40,
        input: { q: 'hi' },
      },
      run,
    )
    expect(run.runs).toBe(1)
    await trail.flush()
    expect(errors).toEqual([])
    const stored = await events('agent=spender')
    expect(stored.map((e) => [e.status, e.control?.rule ?? null])).toEqual([
      ['success', null],
      ['denied', 'payload_regex_block'],
      ['denied', 'cost_limit_per_action'],
    ])
  })

  it('lets N tracked actions through a budget of N, the check reserving the cost and the record settling it', async () => {
    const budget = await create('/api/v1/budgets', {
      agent_name: 'budgeted',
      period: 'daily',
      max_actions: 3,
      max_cost_cents: 1000,
    })
    const trail = client()
    const run = counter()
    const answers = await Promise.allSettled(
      Array.from({ length: 8 }, () =>
        trail.track(
          { agent: 'budgeted', service: 'openai', action: 'complete', costCents: 20 },
          run,
        ),
      ),
    )
    expect(run.runs).toBe(3)
    const refused = answers
      .filter((a) => a.status === 'rejected')
      .map((a) => (a as PromiseRejectedResult).reason as Error)
    expect(refused.map((e) => e.message)).toEqual(
      Array(5).fill('AgentLedger: Action blocked - daily action budget exceeded (3/3)'),
    )
    await trail.flush()
    expect(errors).toEqual([])
    const used = (await call(operatorKey, 'GET', `/api/v1/budgets/${budget.id}`)).body
    expect(used).toMatchObject({ current_actions: 3, current_cost_cents: 60 })
    const stored = await events('agent=budgeted&status=success')
    expect(stored).toHaveLength(3)
    expect(stored.every((e) => e.control === null)).toBe(true)
  })

  it('binds an approval to the input it was asked for, and lets that action through once', async () => {
    await create('/api/v1/policies', {
      agent_name: 'payer',
      rule_type: 'require_approval',
      rule_config: { services: ['stripe'] },
    })
    const trail = client()
    const run = counter()
    const pay = (amount: number) =>
      trail.track({ agent: 'payer', service: 'stripe', action: 'charge', input: { amount } }, run)
    const first = (await pay(100).catch((e) => e)) as ApprovalRequiredError
    expect(first).toBeInstanceOf(ApprovalRequiredError)
    await expect(pay(100)).rejects.toMatchObject({ approvalId: first.approvalId })
    const other = (await pay(999).catch((e) => e)) as ApprovalRequiredError
    expect(other.approvalId).not.toBe(first.approvalId)
    const asked = (await call(sdkKey, 'GET', `/api/v1/approvals/${first.approvalId}`)).body
    expect(asked).toMatchObject({ status: 'pending', input: { amount: 100 } })

    expect(
      (await call(sdkKey, 'PATCH', `/api/v1/approvals/${first.approvalId}`, { status: 'approved' }))
        .status,
    ).toBe(403)
    expect(
      (
        await call(approverKey, 'PATCH', `/api/v1/approvals/${first.approvalId}`, {
          status: 'approved',
        })
      ).status,
    ).toBe(200)
    expect(await trail.waitForApproval(first.approvalId, { pollInterval: 50 })).toBe('approved')
    await expect(pay(999)).rejects.toMatchObject({ approvalId: other.approvalId })
    expect(await pay(100)).toMatchObject({ result: 1, allowed: true })
    const next = (await pay(100).catch((e) => e)) as ApprovalRequiredError
    expect(next).toBeInstanceOf(ApprovalRequiredError)
    expect(next.approvalId).not.toBe(first.approvalId)
    expect(run.runs).toBe(1)
    await trail.flush()
    expect(errors).toEqual([])
    const [done] = await events('agent=payer&status=success')
    expect(done).toMatchObject({ input: { amount: 100 }, control: null })
  })

  it('fails open when the server is down, reporting the check’s failure, and closed when told to', async () => {
    const baseUrl = await closedPortUrl()
    const open = client({ baseUrl, retryDeadlineMs: 100, shutdownTimeoutMs: 200 })
    const run = counter()
    expect(await open.track({ agent: 'offline', service: 's', action: 'x' }, run)).toMatchObject({
      result: 1,
      allowed: true,
    })
    expect(errors[0]).toBeInstanceOf(AgentTrailError)
    expect(errors[0]).toMatchObject({
      code: 'network',
      message: 'AgentTrail: POST /api/v1/check failed: ECONNREFUSED',
    })
    const closed = client({
      baseUrl,
      failOpen: false,
      retryDeadlineMs: 100,
      shutdownTimeoutMs: 200,
    })
    await expect(
      closed.track({ agent: 'offline', service: 's', action: 'x' }, run),
    ).rejects.toThrow('AgentLedger: Cannot verify action (fail-closed mode)')
    expect(run.runs).toBe(1)
    await Promise.all([open.shutdown(), closed.shutdown()])
  })
})
