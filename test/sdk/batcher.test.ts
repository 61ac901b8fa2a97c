import { AgentTrail } from 'agenttrail'
import type { AgentTrailOptions, DropReason } from 'agenttrail'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { KEY, created, fakeFetch, stalled } from './fake-fetch.js'
import type { Answer, SeenRequest } from './fake-fetch.js'

/** The batch processor driven by fake timers over a scripted network. */
describe('the batcher', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  function client(
    options: AgentTrailOptions = {},
    answer?: (request: SeenRequest, n: number) => Answer,
  ) {
    const net = fakeFetch(answer)
    const drops: Array<[number, DropReason]> = []
    const errors: Error[] = []
    const trail = new AgentTrail({
      apiKey: KEY,
      baseUrl: 'http://trail.test',
      flushOnExit: false,
      fetch: net.fetch,
      onDrop: (n, reason) => drops.push([n, reason]),
      onError: (e) => errors.push(e),
      ...options,
    })
    return { trail, net, drops, errors }
  }

  it('holds events until the flush interval passes, then sends them in one batch', async () => {
    const { trail, net } = client({ flushIntervalMs: 1000 })
    trail.fire({ agent: 'a', action: 'one' })
    trail.fire({ agent: 'a', action: 'two' })
    await vi.advanceTimersByTimeAsync(999)
    expect(net.requests).toHaveLength(0)
    await vi.advanceTimersByTimeAsync(1)
    expect(net.requests).toHaveLength(1)
    expect(net.requests[0]?.url).toBe('http://trail.test/api/v1/events/batch')
    expect(net.requests[0]?.method).toBe('POST')
    expect(net.requests[0]?.headers.Authorization).toBe(`Bearer ${KEY}`)
    expect(net.requests[0]?.body.events.map((e: { action: string }) => e.action)).toEqual([
      'one',
      'two',
    ])
  })

  it('sends a full batch at once, without waiting for the interval', async () => {
    const { trail, net } = client({ maxBatchSize: 3, flushIntervalMs: 60_000 })
    for (let i = 0; i < 3; i++) trail.fire({ action: `a${i}` })
    expect(net.requests).toHaveLength(0) // fire() itself does no I/O
    await vi.advanceTimersByTimeAsync(0)
    expect(net.requests).toHaveLength(1)
    expect(net.requests[0]?.body.events).toHaveLength(3)
  })

  it('keeps one export in flight: the next batch waits for the first to finish', async () => {
    let release: (r: Response) => void = () => {}
    const { trail, net } = client({ maxBatchSize: 2 }, (_r, n) =>
      n === 1 ? new Promise<Response>((r) => (release = r)) : created(),
    )
    for (let i = 0; i < 4; i++) trail.fire({ action: `a${i}` })
    await vi.advanceTimersByTimeAsync(5000)
    expect(net.requests).toHaveLength(1)
    release(created())
    await vi.advanceTimersByTimeAsync(0)
    expect(net.requests).toHaveLength(2)
    expect(net.requests[1]?.body.events.map((e: { action: string }) => e.action)).toEqual([
      'a2',
      'a3',
    ])
  })

  it('gives each event a UUIDv7 id and a timestamp when it is fired, keeping ones the caller set', async () => {
    const { trail, net } = client()
    // Ahead of every id made so far: ids only move forward within a process.
    const now = Date.now() + 86_400_000
    vi.setSystemTime(now)
    trail.fire({
      action: 'mine',
      id: '0190a0b0-0000-7000-8000-000000000001',
      ts: '2026-01-01T00:00:00Z',
    })
    trail.fire({ action: 'new' })
    await trail.flush()
    const [mine, fresh] = net.requests[0]?.body.events ?? []
    expect(mine).toMatchObject({
      id: '0190a0b0-0000-7000-8000-000000000001',
      ts: '2026-01-01T00:00:00Z',
    })
    expect(fresh.id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    )
    expect(parseInt(fresh.id.replace(/-/g, '').slice(0, 12), 16)).toBe(now)
    expect(fresh.ts).toBe(now)
  })

  it('drops the newest events when the queue is full, counts them and reports them once per burst', async () => {
    const { trail, drops } = client({ maxQueueSize: 3, maxBatchSize: 100 }, stalled)
    for (let i = 0; i < 5; i++) trail.fire({ action: `a${i}` })
    expect(trail.stats()).toMatchObject({ queued: 3, dropped: 2 })
    await Promise.resolve()
    expect(drops).toEqual([[2, 'queue_full']])
    trail.fire({ action: 'a5' })
    await Promise.resolve()
    expect(drops).toEqual([
      [2, 'queue_full'],
      [1, 'queue_full'],
    ])
  })

  it('reports drops through onError when there is no onDrop handler', async () => {
    const errors: Error[] = []
    const trail = new AgentTrail({
      apiKey: KEY,
      flushOnExit: false,
      fetch: fakeFetch(stalled).fetch,
      maxQueueSize: 1,
      onError: (e) => errors.push(e),
    })
    trail.fire({})
    trail.fire({})
    await Promise.resolve()
    expect(errors.map((e) => e.message)).toEqual(['AgentTrail: dropped 1 event (queue_full)'])
  })

  it('flush() resolves once every event fired before it was sent', async () => {
    const { trail, net } = client({ maxBatchSize: 2, flushIntervalMs: 60_000 })
    for (let i = 0; i < 5; i++) trail.fire({ action: `a${i}` })
    await trail.flush()
    expect(net.ids()).toHaveLength(5)
    expect(trail.stats()).toMatchObject({ queued: 0, sent: 5, dropped: 0 })
  })

  it('shutdown() may be called twice: both calls share one drain and events are sent once', async () => {
    const { trail, net, drops } = client({ flushIntervalMs: 60_000 })
    trail.fire({ action: 'last words' })
    const first = trail.shutdown()
    const second = trail.shutdown()
    expect(second).toBe(first)
    await first
    await trail.shutdown()
    expect(net.ids()).toHaveLength(1)
    trail.fire({ action: 'too late' })
    expect(drops).toEqual([[1, 'shutdown']])
    await vi.advanceTimersByTimeAsync(120_000)
    expect(net.requests).toHaveLength(1)
  })

  it('shutdown() gives up at its deadline: the stalled export is aborted and everything left is reported', async () => {
    const { trail, net, drops } = client({ shutdownTimeoutMs: 2000, maxBatchSize: 2 }, stalled)
    for (let i = 0; i < 5; i++) trail.fire({ action: `a${i}` })
    const done = trail.shutdown()
    await vi.advanceTimersByTimeAsync(2000)
    await done
    expect(net.requests).toHaveLength(1)
    expect(net.requests[0]?.signal?.aborted).toBe(true)
    await vi.advanceTimersByTimeAsync(0)
    expect(drops.reduce((n, [count]) => n + count, 0)).toBe(5)
    expect(new Set(drops.map(([, reason]) => reason))).toEqual(new Set(['shutdown']))
    expect(trail.stats().dropped).toBe(5)
  })

  it('withFlush() flushes after each invocation and returns what the handler returned', async () => {
    const { trail, net } = client({ flushIntervalMs: 60_000 })
    const handler = trail.withFlush(async (name: string) => {
      trail.fire({ action: 'invoked', user: name })
      return `hello ${name}`
    })
    await expect(handler('ada')).resolves.toBe('hello ada')
    expect(net.ids()).toHaveLength(1)
  })

  it('fire() never throws into the caller: not unbound, not for a hostile event, not from a throwing handler', async () => {
    const trail = new AgentTrail({
      apiKey: KEY,
      flushOnExit: false,
      fetch: fakeFetch().fetch,
      onError: () => {
        throw new Error('handler bug')
      },
    })
    const fire = trail.fire
    expect(() => fire({ action: 'unbound' })).not.toThrow()
    const hostile = Object.defineProperty({}, 'agent', {
      enumerable: true,
      get() {
        throw new Error('getter')
      },
    })
    expect(() => trail.fire(hostile)).not.toThrow()
    expect(() => trail.fire(null as never)).not.toThrow()
  })
})
