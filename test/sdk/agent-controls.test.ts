import { AgentLedger, AgentTrail } from 'agenttrail'
import type { AgentTrailOptions } from 'agenttrail'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { send, startWireDouble } from './wire-double.js'
import type { WireDouble } from './wire-double.js'

const KEY = 'al_controls_test_key'

/** The AgentLedger control calls against a local double of their wire format (agentledger-wire.md §1.2). */
describe('agent controls, evaluations and approvals', () => {
  let double: WireDouble
  beforeAll(async () => {
    double = await startWireDouble()
  })
  afterAll(() => double.close())
  beforeEach(() => {
    double.requests.length = 0
  })
  const client = (options: AgentTrailOptions = {}) =>
    new AgentTrail({
      apiKey: KEY,
      baseUrl: `${double.url}/`,
      environment: 'eu prod',
      flushOnExit: false,
      onError: () => {},
      ...options,
    })

  it.each(['pause', 'resume', 'kill'] as const)(
    '%sAgent() posts to the agent path with the environment and no body',
    async (verb) => {
      double.on(`POST /api/v1/agents/support bot/${verb}`, (_req, res) =>
        send(res, 200, { status: 'x', agent: 'support bot' }),
      )
      const trail = client()
      await (verb === 'pause'
        ? trail.pauseAgent('support bot')
        : verb === 'resume'
          ? trail.resumeAgent('support bot')
          : trail.killAgent('support bot'))
      const [req] = double.requests
      expect(req).toMatchObject({
        method: 'POST',
        path: `/api/v1/agents/support bot/${verb}`,
        body: undefined,
      })
      expect(req?.target).toBe(`/api/v1/agents/support%20bot/${verb}?environment=eu%20prod`)
      expect(req?.headers['content-type']).toBe('application/json')
      expect(req?.headers.authorization).toBe(`Bearer ${KEY}`)
    },
  )

  it("throws AgentLedger's message when an agent control is refused", async () => {
    await expect(client().killAgent('nobody')).rejects.toThrow(
      'AgentLedger: Failed to kill agent (404)',
    )
    double.on('POST /api/v1/agents/a/pause', (_req, res) =>
      send(res, 403, { error: 'Forbidden', code: 'forbidden' }),
    )
    await expect(client().pauseAgent('a')).rejects.toMatchObject({
      message: 'AgentLedger: Failed to pause agent (403)',
      status: 403,
      code: 'forbidden',
    })
  })

  it('evaluate() sends only the keys given, after flushing so the tracked action is on the server first', async () => {
    double.on('POST /api/v1/events/batch', (_req, res) =>
      send(res, 201, { accepted: [], errors: [] }),
    )
    double.on('POST /api/v1/evaluations', (_req, res) =>
      send(res, 201, { id: 'ev_1', action_id: 'x', score: 85 }),
    )
    const trail = client()
    const { actionId } = await trail.track(
      { agent: 'a', service: 's', action: 'x', check: false },
      () => 1,
    )
    await expect(trail.evaluate(actionId, { score: 85, label: 'correct' })).resolves.toEqual({
      id: 'ev_1',
    })
    expect(double.requests.map((r) => r.path)).toEqual([
      '/api/v1/events/batch',
      '/api/v1/evaluations',
    ])
    expect(double.requests[1]?.body).toEqual({ action_id: actionId, score: 85, label: 'correct' })
    await trail.evaluate('a1', { score: 1, label: 'l', feedback: 'f', evaluatedBy: 'ops@acme.com' })
    expect(double.requests[2]?.body).toEqual({
      action_id: 'a1',
      score: 1,
      label: 'l',
      feedback: 'f',
      evaluated_by: 'ops@acme.com',
    })
    double.on('POST /api/v1/evaluations', (_req, res) =>
      send(res, 404, { error: 'action_id not found or does not belong to your organization' }),
    )
    await expect(trail.evaluate('zz', { score: 1 })).rejects.toThrow(
      'AgentLedger: Failed to create evaluation (404)',
    )
  })

  it('waitForApproval() polls until a person decides and returns the decision', async () => {
    let polls = 0
    double.on('GET /api/v1/approvals/apr 1', (_req, res) =>
      send(res, 200, {
        id: 'apr 1',
        status: ++polls < 3 ? 'pending' : 'approved',
        expires_at: new Date(Date.now() + 60_000).toISOString(),
      }),
    )
    await expect(client().waitForApproval('apr 1', { pollInterval: 20 })).resolves.toBe('approved')
    expect(polls).toBe(3)
    expect(double.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`)
  })

  it("waitForApproval() answers 'expired' for a pending approval past its expires_at, and 'denied' as given", async () => {
    double.on('GET /api/v1/approvals/old', (_req, res) =>
      send(res, 200, { status: 'pending', expires_at: '2020-01-01T00:00:00Z' }),
    )
    await expect(client().waitForApproval('old')).resolves.toBe('expired')
    double.on('GET /api/v1/approvals/no', (_req, res) =>
      send(res, 200, { status: 'denied', expires_at: '2020-01-01T00:00:00Z' }),
    )
    await expect(client().waitForApproval('no')).resolves.toBe('denied')
  })

  it("waitForApproval() answers 'expired' when its own timeout passes first", async () => {
    double.on('GET /api/v1/approvals/slow', (_req, res) =>
      send(res, 200, {
        status: 'pending',
        expires_at: new Date(Date.now() + 60_000).toISOString(),
      }),
    )
    const started = Date.now()
    await expect(
      client().waitForApproval('slow', { timeout: 150, pollInterval: 40 }),
    ).resolves.toBe('expired')
    expect(Date.now() - started).toBeLessThan(1000)
    expect(double.to('GET /api/v1/approvals/slow').length).toBeGreaterThanOrEqual(2)
  })

  it('waitForApproval() throws when the approval cannot be read', async () => {
    await expect(client().waitForApproval('missing')).rejects.toThrow(
      'AgentLedger: Failed to fetch approval status (404)',
    )
  })

  it("traceId() has AgentLedger's format and AgentLedger is the same class", () => {
    expect(AgentTrail.traceId()).toMatch(/^tr_[0-9a-z]+_[0-9a-z]{8}$/)
    expect(AgentTrail.traceId()).not.toBe(AgentTrail.traceId())
    expect(AgentLedger).toBe(AgentTrail)
  })

  it('accepts the key prefix of every product AgentTrail speaks for and refuses anything else', () => {
    for (const apiKey of ['at_x', 'al_x', 'sk-lw-x', 'aw_x'])
      expect(() => client({ apiKey })).not.toThrow()
    expect(() => client({ apiKey: 'sk-openai' })).toThrow(
      'AgentTrail: Invalid API key. Keys start with "at_", "al_", "sk-lw-", "aw_".',
    )
  })
})
