import { ActionBlockedError, AgentTrail, AgentTrailError, ApprovalRequiredError } from 'agenttrail'
import type { AgentTrailOptions } from 'agenttrail'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { send, startWireDouble } from './wire-double.js'
import type { WireDouble } from './wire-double.js'

const KEY = 'al_track_test_key'

/** track() and check() against a local double of AgentLedger's /check (agentledger-wire.md §1.3). */
describe('track() and check()', () => {
  let double: WireDouble
  let errors: Error[]
  beforeAll(async () => {
    double = await startWireDouble()
  })
  afterAll(() => double.close())
  beforeEach(() => {
    double.requests.length = 0
    errors = []
    double.on('POST /api/v1/events/batch', (_req, res) =>
      send(res, 201, { accepted: [], errors: [] }),
    )
    double.on('POST /api/v1/check', (_req, res) =>
      send(res, 200, { allowed: true, remainingBudget: {} }),
    )
  })

  const client = (options: AgentTrailOptions = {}) =>
    new AgentTrail({
      apiKey: KEY,
      baseUrl: double.url,
      environment: 'staging',
      flushOnExit: false,
      onError: (e) => errors.push(e),
      ...options,
    })
  const recorded = () => double.to('POST /api/v1/events/batch').flatMap((r) => r.body.events)
  const options = { agent: 'billing-bot', service: 'stripe', action: 'charge' }

  it('checks, runs the function, and records the action through the batcher with the id it returns', async () => {
    const trail = client()
    const outcome = await trail.track(
      {
        ...options,
        costCents: 250,
        metadata: { order: 1042 },
        traceId: 'tr_x',
        input: { amount: 5000 },
        captureOutput: true,
      },
      async () => ({ charged: true }),
    )
    expect(outcome).toMatchObject({
      result: { charged: true },
      allowed: true,
      actionId: expect.any(String),
    })
    expect(outcome.durationMs).toBeGreaterThanOrEqual(0)
    const [check] = double.to('POST /api/v1/check')
    expect(check?.headers.authorization).toBe(`Bearer ${KEY}`)
    expect(check?.body).toEqual({
      ...options,
      environment: 'staging',
      cost_cents: 250,
      input: { amount: 5000 },
      trace_id: 'tr_x',
    })
    expect(recorded()).toHaveLength(0) // the record did not add a round trip to the caller's wait
    await trail.flush()
    expect(recorded()).toEqual([
      {
        id: outcome.actionId,
        ts: expect.any(Number),
        kind: 'action',
        ...options,
        status: 'success',
        duration_ms: outcome.durationMs,
        cost_usd: '2.500000',
        metadata: { order: 1042 },
        trace_id: 'tr_x',
        input: { amount: 5000 },
        output: { charged: true },
        environment: 'staging',
      },
    ])
  })

  it('records input, output and metadata as they were when the action ended, not as changed later', async () => {
    const trail = client()
    const state = { step: 1 }
    const meta = { attempt: 1 }
    const result = { rows: [1] }
    await trail.track(
      { ...options, input: state, metadata: meta, captureOutput: true },
      () => result,
    )
    state.step = 2
    meta.attempt = 2
    result.rows.push(2)
    await trail.flush()
    expect(recorded()[0]).toMatchObject({
      input: { step: 1 },
      metadata: { attempt: 1 },
      output: { rows: [1] },
    })
  })

  it('records an explicit output over the captured one, and no output unless asked', async () => {
    const trail = client()
    await trail.track({ ...options, output: 'explicit', captureOutput: true }, () => 'returned')
    await trail.track(options, () => 'not kept')
    await trail.flush()
    expect(recorded().map((e) => e.output)).toEqual(['explicit', undefined])
  })

  it('throws ApprovalRequiredError with the approval id when a policy wants a person to decide, without running the function', async () => {
    double.on('POST /api/v1/check', (_req, res) =>
      send(res, 200, { allowed: false, requiresApproval: true, approvalId: 'apr_1' }),
    )
    let ran = false
    const error = await client()
      .track(options, () => (ran = true))
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApprovalRequiredError)
    expect(error).toMatchObject({
      name: 'ApprovalRequiredError',
      approvalId: 'apr_1',
      message: 'Approval required (id: apr_1)',
    })
    expect(ran).toBe(false)
  })

  it("throws the blocked error with AgentLedger's message, the server's reason or 'budget exceeded'", async () => {
    double.on('POST /api/v1/check', (_req, res) =>
      send(res, 200, { allowed: false, blockReason: 'Agent is paused' }),
    )
    await expect(client().track(options, () => 1)).rejects.toThrow(
      new ActionBlockedError('Agent is paused'),
    )
    await expect(client().track(options, () => 1)).rejects.toThrow(
      'AgentLedger: Action blocked - Agent is paused',
    )
    double.on('POST /api/v1/check', (_req, res) => send(res, 200, { allowed: false }))
    await expect(client().track(options, () => 1)).rejects.toThrow(
      'AgentLedger: Action blocked - budget exceeded',
    )
  })

  it('counts a missing allowed as blocked', async () => {
    double.on('POST /api/v1/check', (_req, res) => send(res, 200, { remainingBudget: {} }))
    let ran = false
    await expect(client().track(options, () => (ran = true))).rejects.toBeInstanceOf(
      ActionBlockedError,
    )
    expect(ran).toBe(false)
    expect(errors).toEqual([])
  })

  it.each([
    [
      'a 500',
      () => double.on('POST /api/v1/check', (_req, res) => send(res, 500, { error: 'boom' })),
    ],
    [
      'a 401',
      () =>
        double.on('POST /api/v1/check', (_req, res) =>
          send(res, 401, { error: 'Invalid API key' }),
        ),
    ],
    [
      'an answer that is not JSON',
      () => double.on('POST /api/v1/check', (_req, res) => void res.end('<html>')),
    ],
  ])(
    'fails open on %s from the check: reports it to onError and runs the function',
    async (_name, arrange) => {
      arrange()
      const outcome = await client().track(options, () => 'done')
      expect(outcome).toMatchObject({ result: 'done', allowed: true })
      expect(errors).toHaveLength(1)
      expect(errors[0]?.message).toMatch(/^AgentLedger: Check failed \(\d+\)$/)
    },
  )

  it('fails closed when told to: the function does not run and the error says why', async () => {
    double.on('POST /api/v1/check', (_req, res) => send(res, 503, { error: 'down' }))
    let ran = false
    const error = await client({ failOpen: false })
      .track(options, () => (ran = true))
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AgentTrailError)
    expect((error as Error).message).toBe('AgentLedger: Cannot verify action (fail-closed mode)')
    expect(((error as Error).cause as AgentTrailError).status).toBe(503)
    expect(ran).toBe(false)
  })

  it('records a throwing function as an error with its message and stack, and rethrows the same error', async () => {
    const trail = client()
    const boom = new TypeError('card declined')
    await expect(
      trail.track({ ...options, input: { card: 'x' } }, async () => Promise.reject(boom)),
    ).rejects.toBe(boom)
    await trail.flush()
    const [event] = recorded()
    expect(event).toMatchObject({
      status: 'error',
      input: { card: 'x' },
      output: { error: 'card declined', stack: boom.stack },
      error: { name: 'TypeError', message: 'card declined' },
    })
  })

  it('with check: false only records: no round trip before the function runs', async () => {
    const trail = client()
    await trail.track({ ...options, check: false }, () => 1)
    expect(double.to('POST /api/v1/check')).toHaveLength(0)
    await trail.flush()
    expect(recorded()).toHaveLength(1)
  })

  it('lets a wrapper add native fields and fields taken from the result, keeping the id and status', async () => {
    const trail = client()
    const outcome = await trail.track(
      {
        ...options,
        check: false,
        event: { kind: 'llm_call', provider: 'openai', id: 'ignored', status: 'ignored' },
        enrich: ({ result }) => ({ model: result?.model, tokens_input: result?.usage }),
      },
      () => ({ model: 'gpt-4o', usage: 12 }),
    )
    await trail.flush()
    expect(recorded()[0]).toMatchObject({
      id: outcome.actionId,
      status: 'success',
      kind: 'llm_call',
      provider: 'openai',
      model: 'gpt-4o',
      tokens_input: 12,
    })
  })

  it('check() returns the whole decision and throws on a non-2xx answer', async () => {
    double.on('POST /api/v1/check', (_req, res) =>
      send(res, 200, { allowed: false, blockReason: 'daily cost budget exceeded', policyId: 'p1' }),
    )
    await expect(client().check(options)).resolves.toEqual({
      allowed: false,
      blockReason: 'daily cost budget exceeded',
      policyId: 'p1',
    })
    double.on('POST /api/v1/check', (_req, res) =>
      send(res, 429, { error: 'Rate limit exceeded' }, { 'retry-after': '30' }),
    )
    await expect(client().check(options)).rejects.toMatchObject({
      message: 'AgentLedger: Check failed (429)',
      status: 429,
      retryAfterMs: 30_000,
    })
  })
})
