import { LogwickClient, fire, flush, init, shutdown } from 'agenttrail'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { send, startWireDouble } from './wire-double.js'
import type { WireDouble } from './wire-double.js'

/** Logwick's surface: the module-level init() and fire(), and LogwickClient's options. */
describe('the Logwick surface', () => {
  let double: WireDouble
  beforeAll(async () => {
    double = await startWireDouble()
    double.on('POST /api/v1/events/batch', (_req, res) =>
      send(res, 201, { accepted: [], errors: [] }),
    )
  })
  afterAll(async () => {
    await shutdown()
    await double.close()
  })
  const sent = () => double.to('POST /api/v1/events/batch').flatMap((r) => r.body.events)

  it('drops a fire() made before init() with one console warning, however many there are', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    fire({ agent: 'gpt-4o', action: 'early' })
    fire({ agent: 'gpt-4o', action: 'early again' })
    expect(warn.mock.calls).toEqual([
      [
        '[agenttrail] fire() called before init(); logs are dropped until init({ apiKey }) is called',
      ],
    ])
    warn.mockRestore()
  })

  it("init() then fire() sends Logwick's fields mapped as the server maps POST /api/v1/logs", async () => {
    init({ apiKey: 'sk-lw-test', baseUrl: double.url, flushOnExit: false, tags: ['production'] })
    fire({
      agent: 'gpt-4o',
      action: 'email_draft',
      input: 'Draft',
      output: 'Hi',
      tokens: 312,
      latency_ms: 1842,
      user: 'ada@acme.com',
    })
    fire({ agent: 'claude', action: 'review', kind: 'turn' })
    await flush()
    expect(sent()).toEqual([
      {
        id: expect.any(String),
        ts: expect.any(Number),
        environment: 'production',
        kind: 'llm_call',
        agent: 'gpt-4o',
        action: 'email_draft',
        input: 'Draft',
        output: 'Hi',
        tokens_total: 312,
        duration_ms: 1842,
        user: 'ada@acme.com',
        tags: ['production'],
      },
      expect.objectContaining({ agent: 'claude', kind: 'turn', tags: ['production'] }),
    ])
    expect(double.requests[0]?.headers.authorization).toBe('Bearer sk-lw-test')
  })

  it('LogwickClient is silent by default, as Logwick documents, and prints when told not to be', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const quiet = new LogwickClient({
      apiKey: 'sk-lw-x',
      baseUrl: `${double.url}/nowhere`,
      flushOnExit: false,
    })
    quiet.fire({ agent: 'a', action: 'b' })
    await quiet.shutdown()
    expect(warn).not.toHaveBeenCalled()
    const loud = new LogwickClient({
      apiKey: 'sk-lw-x',
      baseUrl: `${double.url}/nowhere`,
      flushOnExit: false,
      silent: false,
    })
    loud.fire({ agent: 'a', action: 'b' })
    await loud.shutdown()
    expect(warn.mock.calls.map(([line]) => line)).toEqual([
      '[agenttrail] AgentTrail: dropped 1 event (rejected): AgentTrail: Failed to send events (404)',
    ])
    warn.mockRestore()
  })
})
