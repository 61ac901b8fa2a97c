import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { AgentTrail, AgentTrailError } from 'agenttrail'
import type { AgentTrailOptions } from 'agenttrail'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { send, startWireDouble } from './wire-double.js'
import type { WireDouble } from './wire-double.js'

const KEY = 'at_transport_test_key'

/** Timeouts, network failures and log()'s retries over real sockets on 127.0.0.1. */
describe('the transport', () => {
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
      baseUrl: double.url,
      flushOnExit: false,
      onError: () => {},
      ...options,
    })

  it('times out a request that gets no answer, within the timeout', async () => {
    double.on('POST /api/v1/events', () => {}) // never answers
    const started = Date.now()
    const error = (await client({ timeout: 150, retryDeadlineMs: 200 })
      .log({ action: 'a' })
      .catch((e: unknown) => e)) as AgentTrailError
    expect(error).toBeInstanceOf(AgentTrailError)
    expect(error).toMatchObject({
      code: 'timeout',
      retryable: true,
      message: 'AgentTrail: POST /api/v1/events timed out after 150 ms',
    })
    expect(Date.now() - started).toBeGreaterThanOrEqual(140)
    expect(Date.now() - started).toBeLessThan(1500)
  })

  it('a check that times out fails open, or closed when told to', async () => {
    double.on('POST /api/v1/check', () => {})
    const errors: Error[] = []
    const open = client({ timeout: 100, onError: (e) => errors.push(e) })
    await expect(
      open.track({ agent: 'a', service: 's', action: 'x' }, () => 'ran'),
    ).resolves.toMatchObject({ result: 'ran' })
    expect((errors[0] as AgentTrailError).code).toBe('timeout')
    await expect(
      client({ timeout: 100, failOpen: false }).track(
        { agent: 'a', service: 's', action: 'x' },
        () => 'ran',
      ),
    ).rejects.toThrow('AgentLedger: Cannot verify action (fail-closed mode)')
  })

  it('names a refused connection by its code and retries it until the deadline', async () => {
    const port = await freePort()
    const started = Date.now()
    const error = (await client({ baseUrl: `http://127.0.0.1:${port}`, retryDeadlineMs: 1200 })
      .log({})
      .catch((e: unknown) => e)) as AgentTrailError
    expect(error).toMatchObject({
      code: 'network',
      retryable: true,
      message: 'AgentTrail: POST /api/v1/events failed: ECONNREFUSED',
    })
    expect(Date.now() - started).toBeGreaterThanOrEqual(250) // at least one backoff was waited
  })

  it('log() retries a 503 with the same id and resolves with the receipt', async () => {
    let n = 0
    double.on('POST /api/v1/events', (req, res) =>
      ++n === 1
        ? send(res, 503, { error: 'busy' }, { 'retry-after': '0' })
        : send(res, 201, { id: req.body.id, seq: 7, received_at: 'now' }),
    )
    const receipt = await client({ environment: 'staging', tags: ['t'] }).log({
      agent: 'a',
      durationMs: 5,
    })
    const [first, second] = double.to('POST /api/v1/events')
    expect(second?.body.id).toBe(first?.body.id)
    expect(receipt).toEqual({ id: first?.body.id, seq: 7 })
    expect(first?.body).toMatchObject({
      agent: 'a',
      duration_ms: 5,
      environment: 'staging',
      tags: ['t'],
      ts: expect.any(Number),
    })
  })

  it('log() rejects at once on a 400 with the server code and details', async () => {
    double.on('POST /api/v1/events', (_req, res) =>
      send(res, 400, {
        error: 'invalid event',
        code: 'validation_failed',
        details: [{ path: 'kind', message: 'bad' }],
      }),
    )
    await expect(client().log({ kind: 'Bad' })).rejects.toMatchObject({
      message: 'AgentTrail: Failed to log event (400)',
      status: 400,
      code: 'validation_failed',
      details: [{ path: 'kind', message: 'bad' }],
    })
    expect(double.to('POST /api/v1/events')).toHaveLength(1)
  })
})

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}
