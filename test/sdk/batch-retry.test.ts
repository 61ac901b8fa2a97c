import { AgentTrail, AgentTrailError } from 'agenttrail'
import type { AgentTrailOptions, DropReason } from 'agenttrail'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { KEY, created, fakeFetch, json, refused } from './fake-fetch.js'
import type { Answer, SeenRequest } from './fake-fetch.js'

/** How a batch is retried, or not, by status; fake timers measure the waits exactly. */
describe('batch retries', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  function client(
    answer: (request: SeenRequest, n: number) => Answer,
    options: AgentTrailOptions = {},
  ) {
    const net = fakeFetch(answer)
    const drops: Array<[number, DropReason]> = []
    const errors: AgentTrailError[] = []
    const trail = new AgentTrail({
      apiKey: KEY,
      flushOnExit: false,
      fetch: net.fetch,
      flushIntervalMs: 10,
      onDrop: (n, reason) => drops.push([n, reason]),
      onError: (e) => errors.push(e as AgentTrailError),
      ...options,
    })
    return { trail, net, drops, errors }
  }

  it('retries a batch that failed on the network, with the same event ids, so a retry cannot duplicate', async () => {
    const { trail, net, drops } = client((_r, n) => (n === 1 ? refused() : created()))
    trail.fire({ action: 'a' })
    trail.fire({ action: 'b' })
    await vi.advanceTimersByTimeAsync(10)
    expect(net.requests).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(500) // the first backoff is at most 500 ms
    expect(net.requests).toHaveLength(2)
    const [first, second] = net.requests
    expect(second?.body.events.map((e: { id: string }) => e.id)).toEqual(
      first?.body.events.map((e: { id: string }) => e.id),
    )
    expect(drops).toEqual([])
    expect(trail.stats()).toMatchObject({ sent: 2, retries: 1, dropped: 0 })
  })

  it.each([
    [429, { code: 'rate_limited', error: 'slow down' }],
    [503, { code: 'unavailable', error: 'restarting' }],
  ])('waits exactly the Retry-After of a %i before trying again', async (status, body) => {
    const { trail, net } = client((_r, n) =>
      n === 1 ? json(status, body, { 'retry-after': '7' }) : created(),
    )
    trail.fire({ action: 'a' })
    await vi.advanceTimersByTimeAsync(10)
    expect(net.requests).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(6999)
    expect(net.requests).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(net.requests).toHaveLength(2)
    await vi.advanceTimersByTimeAsync(0)
    expect(trail.stats()).toMatchObject({ sent: 1, dropped: 0 })
  })

  it('reads a Retry-After given as an HTTP date', async () => {
    const { trail, net } = client((_r, n) =>
      n === 1
        ? json(503, {}, { 'retry-after': new Date(Date.now() + 4000).toUTCString() })
        : created(),
    )
    trail.fire({ action: 'a' })
    await vi.advanceTimersByTimeAsync(10)
    // HTTP dates have whole seconds, so the wait is between 3 and 4 s.
    await vi.advanceTimersByTimeAsync(2900)
    expect(net.requests).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1100)
    expect(net.requests).toHaveLength(2)
  })

  it('does not retry a 400 and reports the batch as rejected with the server details', async () => {
    const body = {
      error: 'none of the 2 events is valid',
      code: 'validation_failed',
      details: [{ path: 'kind', message: 'bad kind' }],
    }
    const { trail, net, drops, errors } = client(() => json(400, body))
    trail.fire({ kind: 'Bad Kind' })
    trail.fire({ kind: 'Worse Kind' })
    await vi.advanceTimersByTimeAsync(60_000)
    expect(net.requests).toHaveLength(1)
    expect(drops).toEqual([[2, 'rejected']])
    expect(errors).toHaveLength(1)
    expect(errors[0]).toBeInstanceOf(AgentTrailError)
    expect(errors[0]).toMatchObject({
      status: 400,
      code: 'validation_failed',
      retryable: false,
      details: body.details,
    })
    expect(errors[0]?.message).toBe('AgentTrail: Failed to send events (400)')
  })

  it.each([401, 403, 404, 413])('does not retry a %i', async (status) => {
    const { trail, net, drops } = client(() => json(status, { error: 'no', code: 'x' }))
    trail.fire({})
    await vi.advanceTimersByTimeAsync(60_000)
    expect(net.requests).toHaveLength(1)
    expect(drops).toEqual([[1, 'rejected']])
  })

  it('retries a 408 and a 500', async () => {
    const { trail, net } = client((_r, n) =>
      n === 1 ? json(408, {}) : n === 2 ? json(500, {}) : created(),
    )
    trail.fire({})
    await vi.advanceTimersByTimeAsync(5000)
    expect(net.requests).toHaveLength(3)
    expect(trail.stats()).toMatchObject({ sent: 1, retries: 2 })
  })

  it('stops at the retry deadline and reports the batch as failed, with growing waits in between', async () => {
    const { trail, net, drops, errors } = client(
      () => json(503, { error: 'down', code: 'unavailable' }),
      { retryDeadlineMs: 10_000 },
    )
    trail.fire({})
    await vi.advanceTimersByTimeAsync(60_000)
    const times = net.requests.length
    expect(times).toBeGreaterThanOrEqual(4) // waits of at most 0.5, 1, 2, 4 s fit in 10 s
    expect(times).toBeLessThanOrEqual(6)
    expect(drops).toEqual([[1, 'export_failed']])
    expect(errors[0]).toMatchObject({ status: 503, retryable: true })
  })

  it('gives up at once when Retry-After lies beyond the deadline', async () => {
    const { trail, net, drops } = client(() => json(429, {}, { 'retry-after': '120' }), {
      retryDeadlineMs: 30_000,
    })
    trail.fire({})
    await vi.advanceTimersByTimeAsync(10)
    expect(net.requests).toHaveLength(1)
    expect(drops).toEqual([[1, 'export_failed']])
  })

  it('reports the events the server refused in a partly accepted batch and counts the rest as sent', async () => {
    const refusal = {
      index: 1,
      details: [{ path: 'tokens_input', message: 'must not be negative' }],
    }
    const { trail, drops, errors } = client(() =>
      json(200, { accepted: [{ index: 0 }, { index: 2 }], errors: [refusal] }),
    )
    trail.fire({ action: 'ok' })
    trail.fire({ action: 'bad', tokens_input: -1 })
    trail.fire({ action: 'ok too' })
    await trail.flush()
    expect(drops).toEqual([[1, 'rejected']])
    expect(errors[0]?.details).toEqual([
      { path: 'tokens_input', message: 'must not be negative', index: 1 },
    ])
    expect(trail.stats()).toMatchObject({ sent: 2, dropped: 1 })
  })

  it('times out a request that gets no answer and retries it', async () => {
    let n = 0
    const { trail, net } = client(
      (request) =>
        ++n === 1
          ? new Promise<Error>((resolve) =>
              request.signal?.addEventListener('abort', () => resolve(new Error('aborted'))),
            )
          : created(),
      { timeout: 2000 },
    )
    trail.fire({})
    await vi.advanceTimersByTimeAsync(10 + 1999)
    expect(net.requests).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1 + 500)
    expect(net.requests).toHaveLength(2)
    expect(net.requests[0]?.signal?.aborted).toBe(true)
    await vi.advanceTimersByTimeAsync(0)
    expect(trail.stats()).toMatchObject({ sent: 1, retries: 1 })
  })
})
