import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DIALECTS, createTestApp } from '../helpers/test-app.js'
import type { TestApp } from '../helpers/test-app.js'

describe.each(DIALECTS)(
  'the control plane: checks, agent status, budgets, rate limits (%s)',
  (dialect) => {
    let t: TestApp
    let agentKey: string
    let controlKey: string
    beforeEach(async () => {
      t = await createTestApp({}, dialect)
      agentKey = await t.key('org-a', ['ingest'])
      controlKey = await t.key('org-a', ['control', 'read'])
    })
    afterEach(() => t.close())

    const check = (body: Record<string, unknown>, key = agentKey) =>
      t.json('POST', '/api/v1/check', { key, body })
    const log = (body: Record<string, unknown>, key = agentKey) =>
      t.json('POST', '/api/v1/actions', { key, body })
    const policy = async (body: Record<string, unknown>) => {
      const res = await t.json('POST', '/api/v1/policies', { key: controlKey, body })
      expect(res.status).toBe(201)
      return res.body.policy as { id: string }
    }
    const budget = async (body: Record<string, unknown>) => {
      const res = await t.json('POST', '/api/v1/budgets', { key: controlKey, body })
      expect(res.status).toBe(201)
      return res.body as { id: string }
    }
    const events = async (query: string) =>
      (await t.json('GET', `/api/v1/events?${query}`, { key: t.adminKey })).body.events as Array<
        Record<string, any>
      >
    const control = (verb: string, agent: string, query = '') =>
      t.json('POST', `/api/v1/agents/${encodeURIComponent(agent)}/${verb}${query}`, {
        key: controlKey,
      })

    it('allows an unknown agent, registers it on first sight and answers remainingBudget {}', async () => {
      const res = await check({ agent: 'bot', service: 'stripe', action: 'charge' })
      expect(res).toMatchObject({ status: 200, body: { allowed: true, remainingBudget: {} } })
      const agent = await t.json('GET', '/api/v1/agents/bot', { key: t.adminKey })
      expect(agent.status).toBe(200)
      expect(agent.body.status).toBe('active')
      // An allowed check writes no event: only refusals are records.
      expect(await events('agent=bot')).toEqual([])
    })

    it('refuses a paused agent until it is resumed, and records every refusal and control action', async () => {
      await check({ agent: 'bot' })
      expect(await control('pause', 'bot')).toMatchObject({
        status: 200,
        body: { status: 'paused', agent: 'bot', changed: true },
      })
      const refused = await check({ agent: 'bot', service: 'slack', action: 'post' })
      expect(refused.body).toMatchObject({
        allowed: false,
        blockReason: 'Agent is paused',
        rule: 'agent_paused',
      })
      const [denied] = await events('agent=bot&status=denied')
      expect(denied).toMatchObject({
        id: refused.body.eventId,
        status: 'denied',
        service: 'slack',
        action: 'post',
        control: { decision: 'denied', rule: 'agent_paused', reason: 'Agent is paused' },
      })
      expect(await control('resume', 'bot')).toMatchObject({
        status: 200,
        body: { status: 'active', changed: true },
      })
      expect((await check({ agent: 'bot' })).body.allowed).toBe(true)
      const audits = await events('kind=audit')
      expect(audits.map((e) => e.action)).toEqual(['agent.resumed', 'agent.paused'])
      expect(audits[1]).toMatchObject({
        user: expect.any(String),
        metadata: { agent: 'bot', environment: 'production', changed: true },
      })
    })

    it('keeps a killed agent killed: resume and pause answer 409, its reports are recorded as violations with a critical alert', async () => {
      await check({ agent: 'bot' })
      expect((await control('kill', 'bot')).body).toMatchObject({ status: 'killed', changed: true })
      const resume = await control('resume', 'bot')
      expect(resume.status).toBe(409)
      expect(resume.body).toMatchObject({
        code: 'agent_killed',
        error: expect.stringContaining('cannot be resumed'),
      })
      expect((await control('pause', 'bot')).status).toBe(409)
      expect((await control('kill', 'bot')).body).toMatchObject({
        status: 'killed',
        changed: false,
      })
      expect((await check({ agent: 'bot' })).body).toMatchObject({
        allowed: false,
        blockReason: 'Agent has been killed',
      })
      const reported = await log({ agent: 'bot', service: 'db', action: 'drop' })
      expect(reported.status).toBe(403)
      expect(reported.body).toMatchObject({
        logged: true,
        allowed: false,
        reason: 'Agent has been killed',
        id: expect.any(String),
      })
      const stored = (
        await t.json('GET', `/api/v1/events/${reported.body.id}`, { key: t.adminKey })
      ).body
      expect(stored).toMatchObject({
        status: 'success',
        control: { decision: 'violation', rule: 'agent_killed' },
      })
      const alerts = (await t.json('GET', '/api/v1/alerts', { key: t.adminKey })).body
        .alerts as Array<Record<string, unknown>>
      expect(alerts.map((a) => a.alert_type).sort()).toEqual(['agent_killed', 'policy_violation'])
      // AgentLedger's dashboard shows the open ones.
      const stats = (await t.json('GET', '/api/v1/stats', { key: t.adminKey })).body
      expect(
        stats.alerts
          .map((a: { alert_type: string; acknowledged: boolean }) => [a.alert_type, a.acknowledged])
          .sort(),
      ).toEqual([
        ['agent_killed', false],
        ['policy_violation', false],
      ])
      // Another environment's agent of the same name is another agent.
      expect((await check({ agent: 'bot', environment: 'staging' })).body.allowed).toBe(true)
    })

    it('answers 404 for resuming an unknown agent, 403 without the control scope and 400 for a bad environment', async () => {
      expect((await control('resume', 'ghost')).status).toBe(404)
      // Resuming registers nothing.
      expect((await t.json('GET', '/api/v1/agents/ghost', { key: t.adminKey })).status).toBe(404)
      await check({ agent: 'bot' })
      expect((await t.json('POST', '/api/v1/agents/bot/pause', { key: agentKey })).status).toBe(403)
      expect((await t.json('POST', '/api/v1/agents/new/kill', { key: agentKey })).status).toBe(403)
      expect((await t.json('GET', '/api/v1/agents/new', { key: t.adminKey })).status).toBe(404)
      expect((await control('pause', 'bot', '?environment=')).status).toBe(400)
      expect((await control('resume', 'bot', '?environment=staging')).status).toBe(404)
      const long = await control('kill', 'x'.repeat(300))
      expect(long).toMatchObject({ status: 400, body: { code: 'validation_failed' } })
    })

    it('kills an agent not seen yet: registered killed, recorded and alerted like any kill, refused from its first check and report on', async () => {
      expect(await control('kill', 'rogue-bot')).toMatchObject({
        status: 200,
        body: {
          status: 'killed',
          agent: 'rogue-bot',
          environment: 'production',
          changed: true,
          registered: true,
        },
      })
      const agent = await t.json('GET', '/api/v1/agents/rogue-bot', { key: t.adminKey })
      expect(agent).toMatchObject({
        status: 200,
        body: { status: 'killed', totalActions: 0, environments: [{ status: 'killed' }] },
      })
      // The kill and the alert it raised, each recorded in the trail.
      const audits = await events('kind=audit')
      expect(audits.map((e) => e.action).sort()).toEqual(['agent.killed', 'alert.created'])
      expect(audits.find((e) => e.action === 'alert.created')).toMatchObject({
        user: 'system',
        metadata: { alert: { alert_type: 'agent_killed', agent_name: 'rogue-bot' } },
      })
      const audit = audits.find((e) => e.action === 'agent.killed')
      expect(audit).toMatchObject({
        action: 'agent.killed',
        user: expect.any(String),
        metadata: { agent: 'rogue-bot', status: 'killed', changed: true, registered: true },
      })
      const alerts = (await t.json('GET', '/api/v1/alerts', { key: t.adminKey })).body.alerts
      expect(alerts).toMatchObject([
        { alert_type: 'agent_killed', severity: 'critical', agent_name: 'rogue-bot' },
      ])
      // Its first check is refused and recorded.
      const first = await check({ agent: 'rogue-bot', service: 'db', action: 'drop' })
      expect(first.body).toMatchObject({
        allowed: false,
        blockReason: 'Agent has been killed',
        rule: 'agent_killed',
      })
      // Its first report without a check is recorded as a violation.
      const reported = await log({ agent: 'rogue-bot', service: 'db', action: 'drop' })
      expect(reported).toMatchObject({
        status: 403,
        body: { logged: true, allowed: false, reason: 'Agent has been killed' },
      })
      expect((await events('agent=rogue-bot')).map((e) => [e.status, e.control?.rule])).toEqual([
        ['success', 'agent_killed'],
        ['denied', 'agent_killed'],
      ])
      // Killed is final as for any kill; killing again registers nothing new.
      expect((await control('resume', 'rogue-bot')).status).toBe(409)
      expect((await control('pause', 'rogue-bot')).status).toBe(409)
      expect((await control('kill', 'rogue-bot')).body).toMatchObject({
        changed: false,
        registered: false,
      })
      // Per environment: the same name elsewhere is another agent.
      expect((await check({ agent: 'rogue-bot', environment: 'staging' })).body.allowed).toBe(true)
    })

    it('pauses an agent not seen yet in its environment only, until it is resumed', async () => {
      expect((await control('pause', 'sleepy', '?environment=staging')).body).toMatchObject({
        status: 'paused',
        environment: 'staging',
        changed: true,
        registered: true,
      })
      expect((await check({ agent: 'sleepy', environment: 'staging' })).body.blockReason).toBe(
        'Agent is paused',
      )
      expect((await check({ agent: 'sleepy' })).body.allowed).toBe(true)
      const reported = await t.json('POST', '/api/v1/events', {
        key: agentKey,
        body: { agent: 'sleepy', environment: 'staging', kind: 'tool_call' },
      })
      expect(reported).toMatchObject({
        status: 201,
        body: { control: { decision: 'violation', rule: 'agent_paused' } },
      })
      expect((await events('kind=audit&action=agent.paused')).map((e) => e.metadata)).toMatchObject(
        [{ agent: 'sleepy', environment: 'staging', status: 'paused', registered: true }],
      )
      expect(
        (await events('kind=audit&action=alert.created')).map((e) => e.metadata),
      ).toMatchObject([{ alert: { alert_type: 'policy_violation', agent_name: 'sleepy' } }])
      expect(
        (await t.json('GET', '/api/v1/alerts', { key: t.adminKey })).body.alerts,
      ).toMatchObject([{ alert_type: 'policy_violation' }])
      expect((await control('resume', 'sleepy', '?environment=staging')).body).toMatchObject({
        status: 'active',
        changed: true,
        registered: false,
      })
      expect((await check({ agent: 'sleepy', environment: 'staging' })).body.allowed).toBe(true)
    })

    it('kills an unknown agent of an org that requires registered agents: the kill registers it, so it is refused as killed', async () => {
      await t.json('PATCH', '/api/v1/org/settings', {
        key: t.adminKey,
        body: { require_registered_agents: true },
      })
      expect((await check({ agent: 'stranger' })).body.code).toBe('agent_not_registered')
      expect((await control('kill', 'stranger')).body).toMatchObject({
        status: 'killed',
        registered: true,
      })
      expect((await check({ agent: 'stranger' })).body).toMatchObject({
        allowed: false,
        blockReason: 'Agent has been killed',
      })
      // Its reports are kept, each a violation with an alert: the operator sees it still runs.
      expect((await log({ agent: 'stranger', service: 'db', action: 'drop' })).status).toBe(403)
      const [stored] = await events('agent=stranger&status=success')
      expect(stored?.control).toMatchObject({ decision: 'violation', rule: 'agent_killed' })
    })

    it('refuses bad check bodies with the field named', async () => {
      expect((await check({})).body.error).toMatch(/^agent/)
      expect((await check({ agent: 'bot', cost_cents: -1 })).body.error).toMatch(/^cost_cents/)
      expect((await check({ agent: 'bot', surprise: 1 })).status).toBe(400)
      const raw = await t.json('POST', '/api/v1/check', { key: agentKey, raw: '{"agent":' })
      expect(raw.status).toBe(400)
      expect((await t.json('POST', '/api/v1/check', { body: { agent: 'bot' } })).status).toBe(401)
    })

    it('lets exactly N of many simultaneous checks through a budget of N and records the rest as denied', async () => {
      const b = await budget({ agent_name: 'bot', period: 'daily', max_actions: 5 })
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => check({ agent: 'bot', service: 's', action: 'a' })),
      )
      const allowed = answers.filter((a) => a.body.allowed)
      expect(allowed).toHaveLength(5)
      for (const a of answers.filter((x) => !x.body.allowed))
        expect(a.body).toMatchObject({
          rule: 'budget',
          budgetId: b.id,
          blockReason: 'daily action budget exceeded (5/5)',
          remainingBudget: { actions: 0 },
        })
      expect(await events('agent=bot&status=denied&limit=100')).toHaveLength(15)
      const audits = (await events('kind=audit'))
        .map((e) => e.action)
        .filter((a) => /^budget\.(warning|exceeded)$/.test(a))
      expect(audits.sort()).toEqual(['budget.exceeded', 'budget.warning'])
      const after = (await t.json('GET', `/api/v1/budgets/${b.id}`, { key: controlKey })).body
      expect(after).toMatchObject({ current_actions: 5, status: 'exceeded' })
    })

    it('records every one of many simultaneous after-the-fact actions and flags exactly those past the budget', async () => {
      await budget({ agent_name: 'bot', period: 'hourly', max_actions: 4 })
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          log({ agent: 'bot', service: 's', action: 'a', metadata: { i } }),
        ),
      )
      expect(answers.filter((a) => a.status === 200)).toHaveLength(4)
      const over = answers.filter((a) => a.status === 403)
      expect(over).toHaveLength(8)
      for (const a of over)
        expect(a.body).toMatchObject({
          logged: true,
          blocked: true,
          reason: expect.stringMatching(/^hourly action budget exceeded/),
        })
      const stored = await events('agent=bot&limit=100')
      expect(stored).toHaveLength(12)
      expect(stored.filter((e) => e.control?.decision === 'violation')).toHaveLength(8)
    })

    it('counts a checked action once: its record settles the check’s reservation', async () => {
      const b = await budget({
        agent_name: 'bot',
        period: 'monthly',
        max_actions: 2,
        max_cost_cents: 100,
      })
      for (let i = 0; i < 2; i++) {
        expect(
          (await check({ agent: 'bot', service: 'api', action: 'call', cost_cents: 10 })).body
            .allowed,
        ).toBe(true)
        expect(
          (await log({ agent: 'bot', service: 'api', action: 'call', cost_cents: 30 })).status,
        ).toBe(200)
      }
      const used = (await t.json('GET', `/api/v1/budgets/${b.id}`, { key: controlKey })).body
      expect(used).toMatchObject({ current_actions: 2, current_cost_cents: 60 })
      expect((await check({ agent: 'bot', service: 'api', action: 'call' })).body).toMatchObject({
        allowed: false,
        blockReason: 'monthly action budget exceeded (2/2)',
      })
    })

    it('refuses a check whose cost would pass a cost budget, before it is spent', async () => {
      await budget({ agent_name: 'bot', period: 'weekly', max_cost_cents: 500 })
      expect((await check({ agent: 'bot', cost_cents: 400 })).body).toMatchObject({
        allowed: true,
        remainingBudget: { costCents: 100 },
      })
      const over = await check({ agent: 'bot', cost_cents: 200 })
      expect(over.body).toMatchObject({
        allowed: false,
        rule: 'budget',
        remainingBudget: { costCents: 0 },
      })
      expect(over.body.blockReason).toBe(
        'weekly cost budget would be exceeded ($4.00 + $2.00 of $5.00)',
      )
    })

    it('applies an org-wide budget to every agent of its environment together', async () => {
      await budget({ period: 'daily', max_actions: 3 })
      const answers = []
      for (const agent of ['a', 'b', 'c', 'd']) answers.push((await check({ agent })).body.allowed)
      expect(answers).toEqual([true, true, true, false])
      expect((await check({ agent: 'a', environment: 'staging' })).body.allowed).toBe(true)
    })

    it('holds a rate limit exactly over its window, per agent, for checks and reports alike', async () => {
      const p = await policy({
        agent_name: null,
        rule_type: 'rate_limit',
        rule_config: { max_actions: 3, window_seconds: 60 },
      })
      const answers = []
      for (let i = 0; i < 3; i++) answers.push((await check({ agent: 'bot' })).body.allowed)
      expect(answers).toEqual([true, true, true])
      expect((await check({ agent: 'bot' })).body).toMatchObject({
        allowed: false,
        policyId: p.id,
        blockReason: 'Policy: Rate limit exceeded (3/3 in 60s)',
      })
      expect((await check({ agent: 'other' })).body.allowed).toBe(true)
      const reported = await log({ agent: 'other2', service: 's', action: 'a' })
      expect(reported.status).toBe(200)
      // Four allowed checks left four permits and four window entries; one report, one more entry.
      expect(await t.store.control.purge(Date.now())).toBe(0)
      expect(await t.store.control.purge(Date.now() + 32 * 86_400_000)).toBe(9)
    })

    it('checks service lists, cost per action and payload patterns before the side effect', async () => {
      await policy({
        agent_name: 'bot',
        rule_type: 'service_blocklist',
        rule_config: { services: ['stripe'] },
        priority: 10,
      })
      await policy({
        agent_name: 'bot',
        rule_type: 'cost_limit_per_action',
        rule_config: { max_cost_cents: 500 },
      })
      await policy({
        rule_type: 'payload_regex_block',
        rule_config: { patterns: ['\\b\\d{3}-\\d{2}-\\d{4}\\b'], fields: ['input'] },
      })
      expect(
        (await check({ agent: 'bot', service: 'stripe', action: 'charge' })).body.blockReason,
      ).toBe('Policy: Service "stripe" is blocked')
      expect(
        (await check({ agent: 'bot', service: 'mail', cost_cents: 600 })).body.blockReason,
      ).toBe('Policy: Cost 600 cents exceeds the limit of 500 cents per action')
      expect((await check({ agent: 'bot', service: 'mail', cost_cents: 400 })).body.allowed).toBe(
        true,
      )
      const ssn = await check({
        agent: 'bot',
        service: 'mail',
        input: { body: 'my ssn is 123-45-6789' },
      })
      expect(ssn.body).toMatchObject({ allowed: false, rule: 'payload_regex_block' })
      // After the fact, the same rules flag what the record carries.
      const reported = await log({ agent: 'bot', service: 'mail', action: 'send', cost_cents: 900 })
      expect(reported.body).toMatchObject({
        blocked: true,
        reason: 'Policy: Cost 900 cents exceeds the limit of 500 cents per action',
      })
    })

    it('evaluates an allowlist, and the highest priority refusal wins', async () => {
      const low = await policy({
        rule_type: 'service_allowlist',
        rule_config: { services: ['openai'] },
        priority: 1,
      })
      const high = await policy({
        rule_type: 'service_blocklist',
        rule_config: { services: ['stripe'] },
        priority: 100,
      })
      expect((await check({ agent: 'bot', service: 'openai' })).body.allowed).toBe(true)
      expect((await check({ agent: 'bot', service: 'stripe' })).body.policyId).toBe(high.id)
      expect((await check({ agent: 'bot', service: 'slack' })).body).toMatchObject({
        policyId: low.id,
        blockReason: 'Policy: Service "slack" is not in the allowlist',
      })
    })

    it('matches a catastrophic pattern against hostile input in linear time', async () => {
      await policy({
        rule_type: 'payload_regex_block',
        rule_config: { patterns: ['(a+)+$', '(x|x)*y'] },
      })
      // A backtracking engine never finishes this; RE2 matches it in milliseconds, on the caller's
      // thread (under the matching thread's work), so the answer cannot depend on how busy the machine is.
      const hostile = `${'a'.repeat(50_000)}!`
      const started = Date.now()
      const res = await check({ agent: 'bot', input: { text: hostile } })
      expect(res.body.allowed).toBe(true)
      // A backtracking engine needs astronomically long here; a linear one well under this generous bound.
      expect(Date.now() - started).toBeLessThan(10_000)
    })

    it('answers the same decision at /sdk/check in AgentWarden’s style', async () => {
      await policy({ rule_type: 'service_blocklist', rule_config: { services: ['x'] } })
      await budget({ agent_name: 'bot', period: 'daily', max_actions: 1 })
      const ok = await t.json('POST', '/sdk/check', {
        headers: { 'x-api-key': agentKey },
        body: { agent_id: 'bot', action: 'stripe.refund', context: { amount: 5 } },
      })
      expect(ok.body).toEqual({ allowed: true, remaining_budget: { actions: 0 } })
      const no = await t.json('POST', '/sdk/check', {
        headers: { 'x-api-key': agentKey },
        body: { agent_id: 'bot', action: 'stripe.refund' },
      })
      expect(no.body).toMatchObject({
        allowed: false,
        reason: 'daily action budget exceeded (1/1)',
        event_id: expect.any(String),
      })
      const bad = await t.json('POST', '/sdk/check', {
        headers: { 'x-api-key': agentKey },
        body: { action: 'x', cost_cents: -2 },
      })
      expect(bad).toMatchObject({
        status: 400,
        body: {
          detail: {
            agent_id: ['This field is required.'],
            cost_cents: ['Must be a number, 0 or more.'],
          },
        },
      })
      expect(
        (await t.json('POST', '/sdk/check', { headers: { 'x-api-key': 'nope' }, body: {} })).body,
      ).toEqual({ detail: 'Invalid API key' })
    })

    it('keeps the org’s gates: unregistered agents where registration is required, and the plan’s requests per minute', async () => {
      const settings = await t.json('PATCH', '/api/v1/org/settings', {
        key: t.adminKey,
        body: { require_registered_agents: true },
      })
      expect(settings.status).toBe(200)
      const unknown = await check({ agent: 'stranger' })
      expect(unknown).toMatchObject({ status: 404, body: { code: 'agent_not_registered' } })
      // Refused by the gate, it was not registered on the way.
      expect((await check({ agent: 'stranger' })).status).toBe(404)
      expect(
        (await t.json('POST', '/api/v1/agents', { key: controlKey, body: { name: 'known' } }))
          .status,
      ).toBe(201)
      expect((await check({ agent: 'known' })).body.allowed).toBe(true)
      // AgentWarden: /sdk/log "shares the same rate limits as /sdk/check".
      await t.setPlan({ name: 'enterprise', requests_per_minute: 2 })
      const sdk = { 'x-api-key': agentKey }
      expect(
        (
          await t.json('POST', '/sdk/check', {
            headers: sdk,
            body: { agent_id: 'known', action: 'a' },
          })
        ).status,
      ).toBe(200)
      expect(
        (
          await t.json('POST', '/sdk/log', {
            headers: sdk,
            body: { agent_id: 'known', action: 'a', status: 'success' },
          })
        ).status,
      ).toBe(200)
      const limited = await t.json('POST', '/sdk/check', {
        headers: sdk,
        body: { agent_id: 'known', action: 'a' },
      })
      expect(limited.status).toBe(429)
      expect(limited.body.detail).toMatch(/^Rate limit exceeded/)
    })

    it('judges payload rules on what the action will send, before secrets are redacted from the record', async () => {
      await policy({
        rule_type: 'payload_regex_block',
        rule_config: { patterns: ['sk_live_[0-9a-zA-Z]{10,}'] },
      })
      const leak = await check({
        agent: 'bot',
        service: 'http',
        action: 'post',
        input: { body: 'key=sk_live_abcdefghijklmnop1234' },
      })
      expect(leak.body).toMatchObject({ allowed: false, rule: 'payload_regex_block' })
      const stored = (
        await t.json('GET', `/api/v1/events/${leak.body.eventId}`, { key: t.adminKey })
      ).body
      expect(JSON.stringify(stored.input)).not.toContain('sk_live_abcdefghijklmnop1234')
    })

    it('refuses a check whose payload cannot be matched within the time bound, instead of stalling', async () => {
      await policy({
        rule_type: 'payload_regex_block',
        rule_config: { patterns: ['(?:[a-z]{1,30}){1,15}[0-9]'] },
      })
      const started = Date.now()
      const res = await check({ agent: 'bot', input: 'abcdefghij'.repeat(25_000) })
      expect(res.body).toMatchObject({
        allowed: false,
        blockReason:
          'Policy: input could not be checked against the blocked patterns within 1000 ms',
      })
      expect(Date.now() - started).toBeLessThan(8_000)
      expect((await check({ agent: 'bot', input: 'short and clean' })).body.allowed).toBe(true)
    })

    it('keeps working with a case-insensitive pattern of the full 200 characters', async () => {
      await policy({
        rule_type: 'payload_regex_block',
        rule_config: { patterns: ['x'.repeat(200)], case_insensitive: true },
      })
      expect((await check({ agent: 'bot', input: 'fine' })).body.allowed).toBe(true)
      expect((await check({ agent: 'bot', input: 'X'.repeat(200) })).body.allowed).toBe(false)
      expect((await log({ agent: 'bot', service: 's', action: 'a' })).status).toBe(200)
    })

    it('voids what checks allowed before a kill: the reports that follow are violations', async () => {
      await budget({ agent_name: 'bot', period: 'daily', max_actions: 100 })
      for (let i = 0; i < 2; i++)
        expect((await check({ agent: 'bot', service: 'db', action: 'drop' })).body.allowed).toBe(
          true,
        )
      await control('kill', 'bot')
      const reports = [
        await log({ agent: 'bot', service: 'db', action: 'drop' }),
        await log({ agent: 'bot', service: 'db', action: 'drop' }),
      ]
      expect(reports.map((r) => [r.status, r.body.reason])).toEqual([
        [403, 'Agent has been killed'],
        [403, 'Agent has been killed'],
      ])
    })

    it('answers a retried violation as it answered the first time', async () => {
      await check({ agent: 'bot' })
      await control('pause', 'bot')
      const send = () =>
        t.json('POST', '/api/v1/actions', {
          key: agentKey,
          body: { agent: 'bot', service: 's', action: 'a' },
          headers: { 'idempotency-key': 'k1' },
        })
      const first = await send()
      const again = await send()
      expect(first).toMatchObject({
        status: 403,
        body: { reason: 'Agent is paused', logged: true },
      })
      expect(again).toMatchObject({
        status: 403,
        body: { reason: 'Agent is paused', id: first.body.id },
      })
      const id = '01936f0e-0000-7000-8000-000000000001'
      const native = () =>
        t.json('POST', '/api/v1/events', {
          key: agentKey,
          body: { id, agent: 'bot', kind: 'action' },
        })
      expect((await native()).body.control).toMatchObject({
        decision: 'violation',
        rule: 'agent_paused',
      })
      expect((await native()).body.control).toMatchObject({
        decision: 'violation',
        rule: 'agent_paused',
      })
    })

    it('reads AgentWarden’s service.verb action names for service rules, and its context for payload rules', async () => {
      await policy({ rule_type: 'service_blocklist', rule_config: { services: ['stripe'] } })
      await policy({
        rule_type: 'payload_regex_block',
        rule_config: { patterns: ['(?i)drop table'], fields: ['context'] },
      })
      const sdk = { 'x-api-key': agentKey }
      const refund = await t.json('POST', '/sdk/check', {
        headers: sdk,
        body: { agent_id: 'bot', action: 'stripe.refund' },
      })
      expect(refund.body).toMatchObject({
        allowed: false,
        reason: 'Policy: Service "stripe" is blocked',
      })
      const sql = { agent_id: 'bot', action: 'db.query', context: { sql: 'DROP TABLE users' } }
      expect((await t.json('POST', '/sdk/check', { headers: sdk, body: sql })).body.allowed).toBe(
        false,
      )
      const logged = await t.json('POST', '/sdk/log', {
        headers: sdk,
        body: { ...sql, status: 'success' },
      })
      expect(logged.body.control).toMatchObject({
        decision: 'violation',
        rule: 'payload_regex_block',
      })
    })

    it('names the same agent in a check as in its record: control characters and spaces are cleaned', async () => {
      await check({ agent: 'bot' })
      await control('kill', 'bot')
      expect((await check({ agent: ' bot\u0007 ' })).body).toMatchObject({
        allowed: false,
        blockReason: 'Agent has been killed',
      })
    })

    it('answers an org without controls at once, and applies a new rule from the very next check', async () => {
      for (let i = 0; i < 3; i++)
        expect((await check({ agent: 'bot', service: 'stripe' })).body).toEqual({
          allowed: true,
          remainingBudget: {},
        })
      await policy({ rule_type: 'service_blocklist', rule_config: { services: ['stripe'] } })
      expect((await check({ agent: 'bot', service: 'stripe' })).body.allowed).toBe(false)
      const [p] = (await t.json('GET', '/api/v1/policies', { key: controlKey })).body.policies
      expect((await t.json('DELETE', `/api/v1/policies/${p.id}`, { key: controlKey })).status).toBe(
        200,
      )
      expect((await check({ agent: 'bot', service: 'stripe' })).body.allowed).toBe(true)
      await control('pause', 'bot')
      expect((await check({ agent: 'bot', service: 'stripe' })).body.allowed).toBe(false)
    })
  },
)
