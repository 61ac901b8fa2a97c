import { AgentTrail, LogwickClient } from 'agenttrail'
import type { DropReason } from 'agenttrail'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLiveServer } from '../helpers/live-server.js'
import type { LiveServer } from '../helpers/live-server.js'
import { DIALECTS } from '../helpers/test-app.js'

/** The SDK against the real AgentTrail server on 127.0.0.1, checking what was stored. */
describe.each(DIALECTS)('the SDK against AgentTrail (%s)', (dialect) => {
  let live: LiveServer
  let key: string
  beforeAll(async () => {
    live = await startLiveServer(dialect)
    key = await live.key('org-sdk', ['ingest', 'read'])
  })
  afterAll(() => live.close())

  const api = async (path: string) =>
    (await (
      await fetch(`${live.url}${path}`, { headers: { authorization: `Bearer ${key}` } })
    ).json()) as any
  const client = (options: ConstructorParameters<typeof AgentTrail>[0] = {}) =>
    new AgentTrail({
      apiKey: key,
      baseUrl: live.url,
      flushOnExit: false,
      onError: () => {},
      ...options,
    })

  it('log() resolves with the id and seq of the committed event', async () => {
    const trail = client({ environment: 'staging', tags: ['sdk'] })
    const receipt = await trail.log({
      agent: 'billing-bot',
      kind: 'llm_call',
      model: 'gpt-4o',
      tokens_input: 412,
      durationMs: 930,
      input: { q: 1 },
    })
    expect(receipt.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/)
    expect(receipt.seq).toBeGreaterThan(0)
    expect(await api(`/api/v1/events/${receipt.id}`)).toMatchObject({
      id: receipt.id,
      seq: receipt.seq,
      agent: 'billing-bot',
      kind: 'llm_call',
      model: 'gpt-4o',
      tokens_input: 412,
      duration_ms: 930,
      input: { q: 1 },
      environment: 'staging',
      tags: ['sdk'],
    })
  })

  it('fire() delivers every event in batches, with the ids it gave them', async () => {
    const trail = client({ maxBatchSize: 40, environment: 'batch-env' })
    for (let i = 0; i < 100; i++)
      trail.fire({ agent: 'fire-bot', action: `step-${i}`, kind: 'tool_call' })
    await trail.flush()
    expect(trail.stats()).toMatchObject({ sent: 100, dropped: 0, queued: 0 })
    const { events } = await api('/api/v1/events?agent=fire-bot&limit=1000')
    expect(events).toHaveLength(100)
    expect(new Set(events.map((e: { action: string }) => e.action)).size).toBe(100)
    expect(
      events.every(
        (e: { environment: string; kind: string }) =>
          e.environment === 'batch-env' && e.kind === 'tool_call',
      ),
    ).toBe(true)
  })

  it('a batch sent again with the same ids is not stored twice', async () => {
    const ids = ['0190a0b0-0000-7000-8000-0000000000a1', '0190a0b0-0000-7000-8000-0000000000a2']
    for (let round = 0; round < 2; round++) {
      const trail = client()
      for (const id of ids) trail.fire({ id, agent: 'dup-bot' })
      await trail.flush()
      expect(trail.stats()).toMatchObject({ sent: 2, dropped: 0 })
    }
    expect((await api('/api/v1/events?agent=dup-bot')).events).toHaveLength(2)
  })

  it('reports the event the server refused and stores the others of its batch', async () => {
    const drops: Array<[number, DropReason]> = []
    const errors: Error[] = []
    const trail = client({ onDrop: (n, r) => drops.push([n, r]), onError: (e) => errors.push(e) })
    trail.fire({ agent: 'mixed-bot', action: 'good' })
    trail.fire({ agent: 'mixed-bot', action: 'bad', tokens_input: -5 })
    await trail.flush()
    expect(drops).toEqual([[1, 'rejected']])
    expect(
      (errors[0] as { details?: Array<{ index: number; path: string }> }).details?.[0],
    ).toMatchObject({ index: 1 })
    expect(
      (await api('/api/v1/events?agent=mixed-bot')).events.map((e: { action: string }) => e.action),
    ).toEqual(['good'])
  })

  it('track() checks with the server (no controls: allowed), runs the function and records it', async () => {
    const errors: Error[] = []
    const trail = client({ onError: (e) => errors.push(e) })
    const outcome = await trail.track(
      {
        agent: 'support-bot',
        service: 'slack',
        action: 'send_message',
        input: { text: 'hi' },
        captureOutput: true,
        costCents: 2,
      },
      async () => ({ ok: true }),
    )
    expect(outcome.allowed).toBe(true)
    await trail.flush()
    expect(errors).toEqual([])
    expect(await api(`/api/v1/events/${outcome.actionId}`)).toMatchObject({
      kind: 'action',
      agent: 'support-bot',
      service: 'slack',
      action: 'send_message',
      status: 'success',
      input: { text: 'hi' },
      output: { ok: true },
      cost_usd: 0.02,
      duration_ms: outcome.durationMs,
    })
  })

  it("LogwickClient.fire() stores Logwick's fields as the server's own /api/v1/logs would", async () => {
    const logwick = new LogwickClient({
      apiKey: key,
      baseUrl: live.url,
      flushOnExit: false,
      tags: ['production'],
    })
    logwick.fire({
      agent: 'gpt-4o',
      action: 'email_draft',
      input: 'Draft',
      output: 'Subject',
      tokens: 312,
      latency_ms: 1842,
      user: 'ada@acme.com',
    })
    await logwick.shutdown()
    const [event] = (await api('/api/v1/events?agent=gpt-4o&action=email_draft')).events
    expect(event).toMatchObject({
      kind: 'llm_call',
      status: 'success',
      tokens_total: 312,
      duration_ms: 1842,
      user: 'ada@acme.com',
      input: 'Draft',
      output: 'Subject',
      tags: ['production'],
    })
    const [log] = (await api('/api/v1/logs?agent=gpt-4o')).logs
    expect(log).toMatchObject({ tokens: 312, latency_ms: 1842, action: 'email_draft' })
  })
})
