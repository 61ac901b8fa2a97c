import type { ServerResponse } from 'node:http'
import { AgentTrail } from 'agenttrail'
import type { StreamHandle } from 'agenttrail'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { eventually, send, startWireDouble } from './wire-double.js'
import type { WireDouble } from './wire-double.js'

const KEY = 'al_stream_test_key'

/** stream() against a local double of AgentLedger's SSE endpoint (agentledger-wire.md §1.4). */
describe('stream()', () => {
  let double: WireDouble
  let handle: StreamHandle | undefined
  beforeAll(async () => {
    double = await startWireDouble()
  })
  afterAll(() => double.close())
  beforeEach(() => {
    double.requests.length = 0
  })
  afterEach(() => handle?.close())

  const trail = () =>
    new AgentTrail({
      apiKey: KEY,
      baseUrl: double.url,
      environment: 'staging',
      flushOnExit: false,
      onError: () => {},
    })
  const open = (res: ServerResponse) =>
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
    })

  it('connects with the key in the query and no Authorization header, and dispatches actions and alerts', async () => {
    double.on('GET /api/v1/stream', (_req, res) => {
      open(res)
      res.write('id: 1\nevent: heartbeat\ndata: {"ts":1}\n\n')
      res.write(
        'id: 2\nevent: action.new\ndata: {"id":"a1","agent_name":"bot","service":"slack"}\n\n',
      )
      res.write('id: 3\nevent: alert.')
      res.write(
        'new\ndata: {"id":"al1","message":"spike"}\n\nid: 4\nevent: action.new\ndata: {not json}\n\n',
      )
      res.write('id: 5\nevent: approval.new\ndata: {"id":"apr1"}\n\n')
    })
    const actions: unknown[] = []
    const alerts: unknown[] = []
    const all: Array<[string, unknown, string]> = []
    handle = trail().stream({
      events: ['action.new', 'alert.new'],
      agent: 'bot',
      onAction: (a) => actions.push(a),
      onAlert: (a) => alerts.push(a),
      onEvent: (type, data, id) => all.push([type, data, id]),
    })
    await eventually(() => all.length === 3)
    expect(actions).toEqual([{ id: 'a1', agent_name: 'bot', service: 'slack' }])
    expect(alerts).toEqual([{ id: 'al1', message: 'spike' }])
    expect(all.map(([type, , id]) => [type, id])).toEqual([
      ['action.new', '2'],
      ['alert.new', '3'],
      ['approval.new', '5'],
    ])
    const [req] = double.requests
    expect(req?.query.get('key')).toBe(KEY)
    expect(req?.query.get('events')).toBe('action.new,alert.new')
    expect(req?.query.get('agent')).toBe('bot')
    expect(req?.query.get('environment')).toBe('staging')
    expect(req?.headers.authorization).toBeUndefined()
    expect(req?.headers['last-event-id']).toBeUndefined()
  })

  it('reconnects when the stream ends and sends the last event id it saw', async () => {
    let connections = 0
    double.on('GET /api/v1/stream', (_req, res) => {
      open(res)
      connections++
      if (connections === 1)
        res.end(
          'id: 41\nevent: action.new\ndata: {"id":"x"}\n\nid: 42\nevent: heartbeat\ndata: {}\n\n',
        )
      else res.write(`id: 43\nevent: action.new\ndata: {"id":"y"}\n\n`)
    })
    const seen: unknown[] = []
    handle = trail().stream({ reconnectDelayMs: 20, onAction: (a) => seen.push(a) })
    await eventually(() => seen.length === 2)
    const requests = double.to('GET /api/v1/stream')
    expect(requests).toHaveLength(2)
    expect(requests[1]?.headers['last-event-id']).toBe('42')
  })

  it('reports a refused connection as AgentLedger does and keeps trying, waiting longer each time', async () => {
    const at: number[] = []
    double.on('GET /api/v1/stream', (_req, res) => {
      at.push(Date.now())
      send(res, 401, 'Unauthorized')
    })
    const errors: Error[] = []
    handle = trail().stream({ reconnectDelayMs: 40, onError: (e) => errors.push(e) })
    await eventually(() => at.length === 4)
    handle.close()
    expect(errors[0]?.message).toBe('Stream connection failed (401)')
    const gaps = at.slice(1).map((t, i) => t - (at[i] as number))
    // 40, 80, 160 ms: doubling while the connection keeps failing.
    expect(gaps[0]).toBeGreaterThanOrEqual(35)
    expect(gaps[1]).toBeGreaterThanOrEqual(75)
    expect(gaps[2]).toBeGreaterThanOrEqual(150)
  })

  it('close() ends the stream and stops reconnecting', async () => {
    double.on('GET /api/v1/stream', (_req, res) => {
      open(res)
      res.write('id: 1\nevent: heartbeat\ndata: {}\n\n')
    })
    const errors: Error[] = []
    handle = trail().stream({ reconnectDelayMs: 10, onError: (e) => errors.push(e) })
    await eventually(() => double.requests.length === 1)
    handle.close()
    await new Promise((r) => setTimeout(r, 100))
    expect(double.requests).toHaveLength(1)
    expect(errors).toEqual([])
  })
})
