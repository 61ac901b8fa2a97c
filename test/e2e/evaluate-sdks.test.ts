import { AgentLedger } from 'agentledger'
import { AgentTrail } from 'agenttrail'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLiveServer } from '../helpers/live-server.js'
import type { LiveServer } from '../helpers/live-server.js'
import { DIALECTS } from '../helpers/test-app.js'

/**
 * `evaluate()` of the published agentledger SDK (0.5.0, unmodified) and of the native SDK against a
 * real server: the action it scores, the id it reads back, and the errors it turns into throws.
 */
describe.each(DIALECTS)('evaluate() of both SDKs against AgentTrail (%s)', (dialect) => {
  let live: LiveServer
  let key: string
  let otherOrgAction: string
  const trails: AgentTrail[] = []
  beforeAll(async () => {
    live = await startLiveServer(dialect)
    key = await live.key('org-eval', ['ingest', 'read'], 'al_')
    const stranger = new AgentLedger({
      apiKey: await live.key('org-x', ['ingest'], 'al_'),
      baseUrl: live.url,
    })
    otherOrgAction = (await stranger.log({ agent: 'bot', service: 's', action: 'a' })).id as string
  })
  afterAll(async () => {
    await Promise.all(trails.map((t) => t.shutdown()))
    await live.close()
  })

  const evaluations = async (query: string) => {
    const res = await fetch(`${live.url}/api/v1/evaluations${query}`, {
      headers: { authorization: `Bearer ${key}` },
    })
    expect(res.status).toBe(200)
    return ((await res.json()) as { evaluations: Array<Record<string, unknown>> }).evaluations
  }

  it("agentledger's evaluate() scores an action logged by log() and gets its id", async () => {
    const ledger = new AgentLedger({ apiKey: key, baseUrl: live.url, environment: 'staging' })
    const { id: actionId } = await ledger.log({
      agent: 'support-bot',
      service: 'openai',
      action: 'chat',
    })
    const { id } = await ledger.evaluate(actionId as string, {
      score: 85,
      label: 'correct',
      feedback: 'Response was accurate but could be more concise',
      evaluatedBy: 'qa@example.com',
    })
    expect(id).toMatch(/^[0-9a-f-]{36}$/)
    expect(await evaluations(`?action_id=${actionId}`)).toEqual([
      expect.objectContaining({
        id,
        action_id: actionId,
        agent_name: 'support-bot',
        environment: 'staging',
        score: 85,
        label: 'correct',
        feedback: 'Response was accurate but could be more concise',
        evaluated_by: 'qa@example.com',
      }),
    ])
  })

  it("agentledger's evaluate() throws its message for an unknown action, another org's, and a bad score", async () => {
    const ledger = new AgentLedger({ apiKey: key, baseUrl: live.url })
    await expect(ledger.evaluate('no-such-action', { score: 50 })).rejects.toThrow(
      'AgentLedger: Failed to create evaluation (404)',
    )
    await expect(ledger.evaluate(otherOrgAction, { score: 50 })).rejects.toThrow(
      'AgentLedger: Failed to create evaluation (404)',
    )
    const { id } = await ledger.log({ agent: 'bot', service: 's', action: 'a' })
    await expect(ledger.evaluate(id as string, { score: 101 })).rejects.toThrow(
      'AgentLedger: Failed to create evaluation (400)',
    )
    expect(await evaluations(`?action_id=${otherOrgAction}`)).toEqual([])
  })

  it("the native SDK's evaluate() scores an action that track() has just recorded", async () => {
    const trail = new AgentTrail({ apiKey: key, baseUrl: live.url, flushOnExit: false })
    trails.push(trail)
    const { actionId } = await trail.track(
      { agent: 'billing-bot', service: 'stripe', action: 'charge' },
      async () => 'charged',
    )
    // evaluate() flushes the batched record first, so the server knows the action.
    const { id } = await trail.evaluate(actionId, { score: 60.7, label: 'partial' })
    expect(id).toMatch(/^[0-9a-f-]{36}$/)
    expect(await evaluations('?agent=billing-bot')).toEqual([
      expect.objectContaining({ id, event_id: actionId, score: 60, label: 'partial' }),
    ])
    await expect(trail.evaluate(otherOrgAction, { score: 1 })).rejects.toMatchObject({
      message: 'AgentLedger: Failed to create evaluation (404)',
      status: 404,
      code: 'not_found',
    })
  })
})
