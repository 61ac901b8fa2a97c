import { AgentLedger, ApprovalRequiredError } from 'agentledger'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closedPortUrl } from '../helpers/closed-port.js'
import { startLiveServer } from '../helpers/live-server.js'
import type { LiveServer } from '../helpers/live-server.js'
import { DIALECTS } from '../helpers/test-app.js'
import type { Scope } from '@agenttrail/server'

type Json = Record<string, any>

/**
 * Issue 6's proof: the published agentledger SDK (0.5.0), unmodified, under AgentTrail's control
 * plane on a real server. Every step reads back what the server stored, not only what the SDK says.
 */
describe.each(DIALECTS)('the agentledger SDK under the control plane (%s)', (dialect) => {
  let live: LiveServer
  beforeAll(async () => {
    live = await startLiveServer(dialect)
  })
  afterAll(() => live.close())

  let orgs = 0
  /** A fresh org: the SDK's key (ingest, or more), an operator key (control, read) and an approver key. */
  const newOrg = async (sdkScopes: Scope[] = ['ingest']) => {
    const orgId = `org-control-${++orgs}`
    const [sdkKey, operatorKey, approverKey] = await Promise.all([
      live.key(orgId, sdkScopes, 'al_'),
      live.key(orgId, ['control', 'read']),
      live.key(orgId, ['approve']),
    ])
    const errors: Error[] = []
    const call = async (key: string, method: string, path: string, body?: unknown) => {
      const res = await fetch(`${live.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      const text = await res.text()
      return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Json }
    }
    const created = async (path: string, body: Json) => {
      const res = await call(operatorKey, 'POST', path, body)
      expect(res.status).toBe(201)
      return res.body
    }
    return {
      sdkKey,
      approverKey,
      errors,
      call,
      ledger: (config: Partial<ConstructorParameters<typeof AgentLedger>[0]> = {}) =>
        new AgentLedger({
          apiKey: sdkKey,
          baseUrl: live.url,
          onError: (e) => errors.push(e),
          ...config,
        }),
      policy: async (body: Json) => (await created('/api/v1/policies', body)).policy as Json,
      budget: (body: Json) => created('/api/v1/budgets', body),
      get: async (path: string) => (await call(operatorKey, 'GET', path)).body,
      events: async (query: string) =>
        (await call(operatorKey, 'GET', `/api/v1/events?${query}`)).body.events as Json[],
    }
  }
  /** A wrapped function that counts its runs. */
  const sideEffect = <T>(value: T) => {
    const fn = async () => {
      fn.runs++
      return value
    }
    fn.runs = 0
    return fn
  }

  it('a policy blocks track() before the function runs, and the refusal is stored as a denied event', async () => {
    const org = await newOrg()
    const blocklist = await org.policy({
      agent_name: 'pay-bot',
      rule_type: 'service_blocklist',
      rule_config: { services: ['stripe'] },
    })
    const ledger = org.ledger()
    const charge = sideEffect('charged')
    await expect(
      ledger.track({ agent: 'pay-bot', service: 'stripe', action: 'charge' }, charge),
    ).rejects.toThrow('AgentLedger: Action blocked - Policy: Service "stripe" is blocked')
    expect(charge.runs).toBe(0)
    const post = sideEffect('posted')
    expect(
      await ledger.track({ agent: 'pay-bot', service: 'slack', action: 'post' }, post),
    ).toMatchObject({
      result: 'posted',
      actionId: expect.any(String),
    })
    expect(post.runs).toBe(1)
    expect(org.errors).toEqual([])
    const [posted, denied, ...rest] = await org.events('agent=pay-bot')
    expect(rest).toEqual([])
    expect(posted).toMatchObject({ status: 'success', service: 'slack', action: 'post' })
    expect(posted?.control).toBeNull()
    expect(denied).toMatchObject({
      status: 'denied',
      service: 'stripe',
      action: 'charge',
      control: {
        decision: 'denied',
        rule: 'service_blocklist',
        policy_id: blocklist.id,
        reason: 'Policy: Service "stripe" is blocked',
      },
    })
    // AgentLedger's own listing shows the refusal as a blocked action.
    const { actions } = await org.get('/api/v1/actions?agent=pay-bot&status=blocked')
    expect(actions).toMatchObject([{ id: denied?.id, status: 'blocked', service: 'stripe' }])
  })

  it('a rate limit lets its window’s worth of track() calls run, counted once for check and record', async () => {
    const org = await newOrg()
    await org.policy({
      agent_name: 'chatty',
      rule_type: 'rate_limit',
      rule_config: { max_actions: 2, window_seconds: 60 },
    })
    const ledger = org.ledger()
    const send = sideEffect('sent')
    for (let i = 0; i < 2; i++)
      await ledger.track({ agent: 'chatty', service: 'slack', action: 'post' }, send)
    await expect(
      ledger.track({ agent: 'chatty', service: 'slack', action: 'post' }, send),
    ).rejects.toThrow('AgentLedger: Action blocked - Policy: Rate limit exceeded (2/2 in 60s)')
    expect(send.runs).toBe(2)
    expect(org.errors).toEqual([])
    const stored = await org.events('agent=chatty')
    expect(stored.map((e) => [e.status, e.control?.rule])).toEqual([
      ['denied', 'rate_limit'],
      ['success', undefined],
      ['success', undefined],
    ])
  })

  it('a budget of N lets exactly N track() calls run and blocks the next, counting each action once', async () => {
    const org = await newOrg()
    const budget = await org.budget({ agent_name: 'budget-bot', period: 'daily', max_actions: 3 })
    const ledger = org.ledger()
    const call = sideEffect({ ok: true })
    for (let i = 0; i < 3; i++) {
      const outcome = await ledger.track(
        { agent: 'budget-bot', service: 'openai', action: 'complete', costCents: 10 },
        call,
      )
      // The record answered 200: had the check and the record both counted, the second record would break the budget (403).
      expect(outcome.actionId).toEqual(expect.any(String))
    }
    await expect(
      ledger.track({ agent: 'budget-bot', service: 'openai', action: 'complete' }, call),
    ).rejects.toThrow('AgentLedger: Action blocked - daily action budget exceeded (3/3)')
    expect(call.runs).toBe(3)
    expect(org.errors).toEqual([])
    expect(await org.get(`/api/v1/budgets/${budget.id}`)).toMatchObject({
      current_actions: 3,
      current_cost_cents: 30,
      status: 'exceeded',
    })
    const stored = await org.events('agent=budget-bot')
    expect(stored.filter((e) => e.status === 'success' && e.control === null)).toHaveLength(3)
    expect(stored.filter((e) => e.status === 'denied')).toMatchObject([
      {
        control: {
          decision: 'denied',
          rule: 'budget',
          budget_id: budget.id,
          reason: 'daily action budget exceeded (3/3)',
        },
      },
    ])
  })

  it('an approval lets the approved action through once: same id while pending, a new one after use, denied on denial', async () => {
    const org = await newOrg()
    const gate = await org.policy({
      rule_type: 'require_approval',
      rule_config: { services: ['stripe'], actions: ['charge'] },
    })
    const ledger = org.ledger()
    const charge = sideEffect('charged')
    const track = () =>
      ledger.track(
        { agent: 'pay-bot', service: 'stripe', action: 'charge', input: { amount: 4200 } },
        charge,
      )
    const first = (await track().catch((e: unknown) => e)) as ApprovalRequiredError
    expect(first).toBeInstanceOf(ApprovalRequiredError)
    expect(first).toMatchObject({ name: 'ApprovalRequiredError', approvalId: expect.any(String) })
    expect(first.message).toBe(`Approval required (id: ${first.approvalId})`)
    await expect(track()).rejects.toMatchObject({
      name: 'ApprovalRequiredError',
      approvalId: first.approvalId,
    })
    // Only the policy's services and actions are gated.
    await ledger.track(
      { agent: 'pay-bot', service: 'stripe', action: 'refund' },
      async () => 'refunded',
    )
    expect(charge.runs).toBe(0)
    const pending = await org.events('agent=pay-bot&status=pending')
    expect(pending).toMatchObject([
      {
        action: 'charge',
        control: {
          decision: 'approval_required',
          policy_id: gate.id,
          approval_id: first.approvalId,
        },
      },
    ])

    // The SDK's own key polls the request but may not decide it; another key with the approve scope does.
    expect(await ledger.waitForApproval(first.approvalId, { pollInterval: 50, timeout: 200 })).toBe(
      'expired',
    )
    const path = `/api/v1/approvals/${first.approvalId}`
    expect((await org.call(org.sdkKey, 'PATCH', path, { status: 'approved' })).status).toBe(403)
    const waiting = ledger.waitForApproval(first.approvalId, { pollInterval: 100 })
    const decided = await org.call(org.approverKey, 'PATCH', path, { status: 'approved' })
    expect(decided).toMatchObject({
      status: 200,
      body: { approval: { status: 'approved', requested_by: pending[0]?.user } },
    })
    expect(decided.body.approval.decided_by).not.toBe(decided.body.approval.requested_by)
    expect(await waiting).toBe('approved')

    expect(await track()).toMatchObject({ result: 'charged', actionId: expect.any(String) })
    expect(charge.runs).toBe(1)
    expect((await org.call(org.sdkKey, 'GET', path)).body.used_at).toEqual(expect.any(String))
    const again = (await track().catch((e: unknown) => e)) as ApprovalRequiredError
    expect(again).toBeInstanceOf(ApprovalRequiredError)
    expect(again.approvalId).not.toBe(first.approvalId)
    expect(charge.runs).toBe(1)
    expect(org.errors).toEqual([])

    const waitDenied = ledger.waitForApproval(again.approvalId, { pollInterval: 100 })
    const denial = await org.call(
      org.approverKey,
      'PATCH',
      `/api/v1/approvals/${again.approvalId}`,
      { status: 'denied' },
    )
    expect(denial.status).toBe(200)
    expect(await waitDenied).toBe('denied')
    await expect(track()).rejects.toBeInstanceOf(ApprovalRequiredError)
    expect(charge.runs).toBe(1)

    const charges = await org.events('agent=pay-bot&action=charge')
    expect(charges.filter((e) => e.status === 'success')).toMatchObject([
      { input: { amount: 4200 } },
    ])
    expect(charges.filter((e) => e.status === 'success')[0]?.control).toBeNull()
    const decisions = (await org.events('kind=audit'))
      .map((e) => e.action)
      .filter((a: string) => a.startsWith('approval.'))
    expect(decisions).toEqual(['approval.denied', 'approval.approved'])
  })

  // The SDK's documented use of waitForApproval: check(), wait, proceed, then log() the action with
  // its input. check() cannot send an input, so the approval is asked for without one.
  it('an approval asked for by check() lets that action’s log() through once, with its input', async () => {
    const org = await newOrg()
    await org.policy({
      rule_type: 'require_approval',
      rule_config: { services: ['stripe'], actions: ['charge'] },
    })
    const ledger = org.ledger()
    const action = { agent: 'manual-bot', service: 'stripe', action: 'charge' }
    const check = await ledger.check(action)
    expect(check).toMatchObject({
      allowed: false,
      requiresApproval: true,
      approvalId: expect.any(String),
    })
    const path = `/api/v1/approvals/${check.approvalId}`
    expect((await org.call(org.approverKey, 'PATCH', path, { status: 'approved' })).status).toBe(
      200,
    )
    expect(await ledger.waitForApproval(check.approvalId as string, { pollInterval: 50 })).toBe(
      'approved',
    )

    const { id } = await ledger.log({ ...action, input: { amount: 4200 } })
    expect((await org.call(org.sdkKey, 'GET', path)).body.used_at).toEqual(expect.any(String))
    await expect(ledger.log({ ...action, input: { amount: 4200 } })).rejects.toThrow(
      'AgentLedger: Failed to log action (403)',
    )
    const [again, done] = await org.events('agent=manual-bot&status=success')
    expect(done).toMatchObject({ id, input: { amount: 4200 }, control: null })
    expect(again?.control).toMatchObject({ decision: 'violation', rule: 'require_approval' })
  })

  it('pauses, resumes and kills an agent through the SDK; killed stays killed', async () => {
    const org = await newOrg(['ingest', 'control'])
    const ledger = org.ledger({ environment: 'staging' })
    const step = sideEffect('done')
    const track = () => ledger.track({ agent: 'ops-bot', service: 'db', action: 'migrate' }, step)
    await track()
    await ledger.pauseAgent('ops-bot')
    await expect(track()).rejects.toThrow('AgentLedger: Action blocked - Agent is paused')
    // Pausing applies to the agent in the SDK's environment only.
    await org.ledger().track({ agent: 'ops-bot', service: 'db', action: 'migrate' }, step)
    await ledger.resumeAgent('ops-bot')
    await track()
    expect(step.runs).toBe(3)
    await ledger.killAgent('ops-bot')
    await expect(track()).rejects.toThrow('AgentLedger: Action blocked - Agent has been killed')
    await expect(ledger.resumeAgent('ops-bot')).rejects.toThrow(
      'AgentLedger: Failed to resume agent (409)',
    )
    await expect(ledger.pauseAgent('ops-bot')).rejects.toThrow(
      'AgentLedger: Failed to pause agent (409)',
    )
    expect(step.runs).toBe(3)
    expect(org.errors).toEqual([])
    // An agent's ingest-only key cannot stop or start agents.
    const plain = new AgentLedger({
      apiKey: await live.key('org-control-plain', ['ingest'], 'al_'),
      baseUrl: live.url,
    })
    await expect(plain.pauseAgent('ops-bot')).rejects.toThrow(
      'AgentLedger: Failed to pause agent (403)',
    )

    const stored = await org.events('agent=ops-bot&environment=staging')
    expect(stored.map((e) => [e.status, e.control?.rule])).toEqual([
      ['denied', 'agent_killed'],
      ['success', undefined],
      ['denied', 'agent_paused'],
      ['success', undefined],
    ])
    const audits = (await org.events('kind=audit&environment=staging')).filter((e) =>
      String(e.action).startsWith('agent.'),
    )
    expect(audits.map((e) => e.action)).toEqual(['agent.killed', 'agent.resumed', 'agent.paused'])
    // Each control action is recorded with the key that made it: the SDK's, which also made the checks.
    expect(new Set(audits.map((e) => e.user))).toEqual(new Set([stored[0]?.user]))
  })

  it('killAgent() of an agent not seen yet takes effect: its first track() is blocked and its first log() is a violation', async () => {
    const org = await newOrg(['ingest', 'control'])
    const ledger = org.ledger()
    // AgentLedger's documented example, before the bot has done anything.
    await ledger.killAgent('rogue-bot')
    const step = sideEffect('done')
    await expect(
      ledger.track({ agent: 'rogue-bot', service: 'db', action: 'drop' }, step),
    ).rejects.toThrow('AgentLedger: Action blocked - Agent has been killed')
    expect(step.runs).toBe(0)
    await expect(ledger.log({ agent: 'rogue-bot', service: 'db', action: 'drop' })).rejects.toThrow(
      'AgentLedger: Failed to log action (403)',
    )
    await expect(ledger.resumeAgent('rogue-bot')).rejects.toThrow(
      'AgentLedger: Failed to resume agent (409)',
    )
    // Pausing a new name holds until it is resumed; resuming a name never seen stays 404.
    await ledger.pauseAgent('new-bot')
    await expect(
      ledger.track({ agent: 'new-bot', service: 'db', action: 'read' }, step),
    ).rejects.toThrow('AgentLedger: Action blocked - Agent is paused')
    await ledger.resumeAgent('new-bot')
    await ledger.track({ agent: 'new-bot', service: 'db', action: 'read' }, step)
    expect(step.runs).toBe(1)
    await expect(ledger.resumeAgent('nobody')).rejects.toThrow(
      'AgentLedger: Failed to resume agent (404)',
    )
    expect(org.errors).toEqual([])

    const stored = await org.events('agent=rogue-bot')
    expect(stored.map((e) => [e.status, e.control?.decision, e.control?.rule])).toEqual([
      ['success', 'violation', 'agent_killed'],
      ['denied', 'denied', 'agent_killed'],
    ])
    const kills = (await org.events('kind=audit')).filter((e) => e.action === 'agent.killed')
    expect(kills).toMatchObject([{ metadata: { agent: 'rogue-bot', registered: true } }])
    const { alerts } = await org.get('/api/v1/alerts')
    expect(
      alerts.filter((a: Json) => a.agent_name === 'rogue-bot').map((a: Json) => a.alert_type),
    ).toEqual(expect.arrayContaining(['agent_killed', 'policy_violation']))
  })

  it('fails open when the server is down, and refuses to run the function in fail-closed mode', async () => {
    const org = await newOrg()
    const down = await closedPortUrl()
    const open = new AgentLedger({
      apiKey: org.sdkKey,
      baseUrl: down,
      onError: (e) => org.errors.push(e),
    })
    const work = sideEffect('worked')
    const outcome = await open.track({ agent: 'offline-bot', service: 's', action: 'x' }, work)
    expect(outcome).toMatchObject({ result: 'worked', allowed: true, actionId: undefined })
    expect(work.runs).toBe(1)
    // onError hears the failed check, then the failed record.
    expect(org.errors.map((e) => e.message)).toEqual(['fetch failed', 'fetch failed'])
    const closed = new AgentLedger({
      apiKey: org.sdkKey,
      baseUrl: down,
      failOpen: false,
      onError: (e) => org.errors.push(e),
    })
    await expect(
      closed.track({ agent: 'offline-bot', service: 's', action: 'x' }, work),
    ).rejects.toThrow('AgentLedger: Cannot verify action (fail-closed mode)')
    expect(work.runs).toBe(1)
    expect(org.errors).toHaveLength(2)
  })

  it('log() of an action that broke a rule is recorded as a violation, and the SDK rejects with the 403', async () => {
    const org = await newOrg()
    const blocklist = await org.policy({
      rule_type: 'service_blocklist',
      rule_config: { services: ['stripe'] },
    })
    const ledger = org.ledger()
    await expect(
      ledger.log({ agent: 'late-bot', service: 'stripe', action: 'charge', costCents: 500 }),
    ).rejects.toThrow('AgentLedger: Failed to log action (403)')
    const [event] = await org.events('agent=late-bot')
    expect(event).toMatchObject({
      status: 'success',
      service: 'stripe',
      action: 'charge',
      cost_usd: 5,
      control: {
        decision: 'violation',
        rule: 'service_blocklist',
        policy_id: blocklist.id,
        reason: 'Policy: Service "stripe" is blocked',
      },
    })
    const { alerts } = await org.get('/api/v1/alerts')
    expect(alerts).toMatchObject([{ alert_type: 'policy_violation', agent_name: 'late-bot' }])

    // track() cannot send the cost with its check, so a cost rule sees it only in the record: the
    // function has run, the record is kept as a violation, and the SDK reports the 403 to onError.
    await org.policy({ rule_type: 'cost_limit_per_action', rule_config: { max_cost_cents: 100 } })
    const spend = sideEffect('spent')
    const outcome = await ledger.track(
      { agent: 'late-bot', service: 'openai', action: 'complete', costCents: 900 },
      spend,
    )
    expect(outcome).toMatchObject({ result: 'spent', actionId: undefined })
    expect(spend.runs).toBe(1)
    expect(org.errors.map((e) => e.message)).toEqual(['AgentLedger: Failed to log action (403)'])
    const [costly] = await org.events('agent=late-bot&service=openai')
    expect(costly).toMatchObject({
      status: 'success',
      control: { decision: 'violation', rule: 'cost_limit_per_action' },
    })
  })
})
