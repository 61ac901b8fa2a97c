import type { Store } from '../store/store.js'
import type { StreamFilter } from './stream-frames.js'
import { RETRY_FRAME, framesOf, sseFrame } from './stream-frames.js'

export interface StreamHubOptions {
  store: Pick<Store, 'events' | 'commits'>
  /** Streams one API key may hold open in this process at once. Default 10. */
  maxPerKey?: number
  /**
   * Bytes a stream may hold for a client that does not read; new events past it close the stream
   * (the client resumes from its `Last-Event-ID`, read from the store). Default 1 MiB.
   */
  queueBytes?: number
  /** How often a `heartbeat` frame goes out. Default 30,000 ms. */
  heartbeatMs?: number
  /** Events read from the store at a time. Default 500. */
  pageSize?: number
  /** A read that failed (the stream ends; the client reconnects and resumes). */
  onError?: (error: unknown) => void
}

export interface StreamRequest {
  orgId: string
  keyId: string
  /** Send the org's events after this seq; undefined: only what commits from now on. */
  afterSeq: number | undefined
  filter: StreamFilter
  /**
   * Tears the connection down when the stream closes a slow client (a real server destroys the
   * socket, which a client that stopped reading would otherwise hold open). Default: nothing.
   */
  abort?: () => void
}

export interface StreamHub {
  /** A stream of SSE bytes, or `too_many` when the key holds `maxPerKey` streams already. */
  open(request: StreamRequest): Promise<ReadableStream<Uint8Array> | 'too_many'>
  /** Streams open now. */
  readonly size: number
  /** Ends every stream (shutdown); new ones are refused as `too_many`. */
  close(): void
}

/**
 * Live streams of one server process. Each stream reads the org's events from the store after its
 * last seq (`EventStore.since`, pages of `pageSize`) whenever the commit feed signals the org, so
 * the events table is the replay log and a signal carries nothing that could be lost. A backlog is
 * read a page at a time as the client takes it; a client that leaves `queueBytes` unread when new
 * events arrive is disconnected rather than buffered without bound.
 */
export function createStreamHub(options: StreamHubOptions): StreamHub {
  const opts = {
    maxPerKey: 10,
    queueBytes: 1_048_576,
    heartbeatMs: 30_000,
    pageSize: 500,
    ...options,
  }
  const perKey = new Map<string, number>()
  const open = new Set<() => void>()
  let closed = false
  const encoder = new TextEncoder()

  async function start(request: StreamRequest): Promise<ReadableStream<Uint8Array> | 'too_many'> {
    const held = perKey.get(request.keyId) ?? 0
    if (closed || held >= opts.maxPerKey) return 'too_many'
    perKey.set(request.keyId, held + 1)
    let ended = false
    let readSeq = 0
    let running = false
    let again = false
    let roomWaiter: (() => void) | undefined
    let controller!: ReadableStreamDefaultController<Uint8Array>
    let unsubscribe = () => {}

    const end = (slow = false) => {
      if (ended) return
      ended = true
      unsubscribe()
      clearInterval(heartbeat)
      open.delete(closeOne)
      perKey.set(request.keyId, (perKey.get(request.keyId) ?? 1) - 1)
      if (perKey.get(request.keyId) === 0) perKey.delete(request.keyId)
      roomWaiter?.()
      try {
        // A slow client's queue is dropped, not delivered: it resumes from the store.
        if (slow) controller.error(new Error('the client read too slowly'))
        else controller.close()
      } catch {
        // Already cancelled by the client.
      }
      if (slow) request.abort?.()
    }
    const closeOne = () => end()
    const send = (text: string) => controller.enqueue(encoder.encode(text))
    const full = () => (controller.desiredSize ?? 1) <= 0
    const room = () =>
      full() ? new Promise<void>((resolve) => (roomWaiter = resolve)) : Promise.resolve()

    const pump = async (): Promise<void> => {
      if (running) {
        again = true
        return
      }
      running = true
      try {
        do {
          again = false
          for (;;) {
            const events = await opts.store.events.since(request.orgId, readSeq, opts.pageSize)
            if (ended || events.length === 0) break
            // New events while the client still has a full queue unread: a slow client.
            if (full()) return end(true)
            for (const event of events)
              for (const frame of framesOf(event, request.filter)) send(frame)
            readSeq = events[events.length - 1]?.seq ?? readSeq
            if (events.length < opts.pageSize) break
            await room()
          }
        } while (again && !ended)
      } catch (error) {
        opts.onError?.(error)
        end()
      } finally {
        running = false
      }
    }

    const stream = new ReadableStream<Uint8Array>(
      {
        start(c) {
          controller = c
        },
        pull() {
          const wake = roomWaiter
          roomWaiter = undefined
          wake?.()
        },
        cancel: () => end(),
      },
      { highWaterMark: opts.queueBytes, size: (chunk) => chunk.byteLength },
    )
    open.add(closeOne)
    send(RETRY_FRAME)
    const heartbeat = setInterval(() => {
      if (!full()) send(sseFrame(undefined, 'heartbeat', { ts: new Date().toISOString() }))
    }, opts.heartbeatMs).unref()
    // Subscribed before the head is read: a commit between the two is read, not missed.
    let ready = false
    unsubscribe = opts.store.commits.subscribe(request.orgId, () => {
      if (ready) void pump()
    })
    try {
      readSeq = request.afterSeq ?? (await opts.store.events.head(request.orgId))
    } catch (error) {
      end()
      throw error
    }
    ready = true
    void pump()
    return stream
  }

  return {
    open: start,
    get size() {
      return open.size
    },
    close() {
      closed = true
      for (const end of [...open]) end()
    },
  }
}
