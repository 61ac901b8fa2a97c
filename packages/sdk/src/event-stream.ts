import { AgentTrailError, toError } from './errors.js'
import { isRetryableStatus } from './http-transport.js'
import type { FetchLike } from './fetch-like.js'
import { SseParser } from './sse-parser.js'
import type { SseFrame } from './sse-parser.js'

/** An `action.new` payload: an action as AgentLedger's action log row. */
export interface ActionLog {
  id: string
  org_id: string
  agent_name: string
  service: string
  action: string
  status: string
  estimated_cost_cents: number
  duration_ms: number
  request_meta: Record<string, unknown>
  trace_id: string | null
  input: unknown
  output: unknown
  environment: string
  created_at: string
}

/** An `alert.new` payload. */
export interface Alert {
  id: string
  org_id: string
  agent_id: string | null
  agent_name: string
  alert_type: string
  severity: string
  message: string
  metadata: Record<string, unknown>
  acknowledged_at: string | null
  created_at: string
}

export interface StreamOptions {
  /** Event types to receive, e.g. `['action.new', 'alert.new']`. Default: all. */
  events?: string[]
  agent?: string
  /** Default: the client's `environment`; `null` for every environment. */
  environment?: string | null
  /** Start after this event id (a seq), as a reconnect does: the events since then come first. */
  lastEventId?: string
  onAction?: (action: ActionLog) => void
  onAlert?: (alert: Alert) => void
  /** Every event but heartbeats, any type, with its id: for types beyond AgentLedger's two. */
  onEvent?: (type: string, data: unknown, id: string) => void
  /** Connection failures (the stream reconnects after each). Default: the client's `onError`. */
  onError?: (error: Error) => void
  /** First wait before reconnecting, in ms; doubles per failed attempt up to 30 000. Default 3000. */
  reconnectDelayMs?: number
}

export interface StreamHandle {
  /** Stops the stream and every reconnection. */
  close(): void
}

export interface StreamConfig {
  baseUrl: string
  apiKey: string
  environment: string
  fetch: FetchLike
  onError(error: Error): void
}

const MAX_RECONNECT_DELAY_MS = 30_000

/**
 * GET /api/v1/stream as agentledger 0.5.0 reads it: the key in `?key=` (EventSource-style, no
 * Authorization header), no timeout, `Last-Event-ID` on reconnects, heartbeats skipped, unknown
 * types and bad JSON ignored. Reconnects when the stream ends or fails, after a delay that doubles
 * while connections fail and starts over once one delivers a frame (AgentLedger: a flat 3 s).
 */
export function openStream(config: StreamConfig, options: StreamOptions = {}): StreamHandle {
  const controller = new AbortController()
  const firstDelay = options.reconnectDelayMs ?? 3000
  const reportError = options.onError ?? config.onError
  let delay = firstDelay
  let lastEventId = options.lastEventId ?? ''
  let timer: ReturnType<typeof setTimeout> | undefined

  const params = new URLSearchParams({ key: config.apiKey })
  if (options.events && options.events.length > 0) params.set('events', options.events.join(','))
  if (options.agent) params.set('agent', options.agent)
  const environment = options.environment === null ? '' : options.environment || config.environment
  if (environment) params.set('environment', environment)
  const url = `${config.baseUrl}/api/v1/stream?${params.toString()}`

  const dispatch = (frame: SseFrame): void => {
    delay = firstDelay
    if (frame.id) lastEventId = frame.id
    if (frame.event === 'heartbeat' || frame.data === '') return
    let data: unknown
    try {
      data = JSON.parse(frame.data)
    } catch {
      return
    }
    try {
      if (frame.event === 'action.new') options.onAction?.(data as ActionLog)
      else if (frame.event === 'alert.new') options.onAlert?.(data as Alert)
      options.onEvent?.(frame.event, data, frame.id)
    } catch (error) {
      reportError(toError(error))
    }
  }

  const connect = async (): Promise<void> => {
    timer = undefined
    // One signal per connection, linked to the handle's: fetch leaves its listener on the signal it
    // gets, so a shared one would gather a listener per reconnect, forever.
    const connection = new AbortController()
    const abortConnection = () => connection.abort()
    controller.signal.addEventListener('abort', abortConnection, { once: true })
    try {
      const headers: Record<string, string> = lastEventId ? { 'Last-Event-ID': lastEventId } : {}
      const res = await config.fetch(url, { method: 'GET', headers, signal: connection.signal })
      if (!res.ok) {
        const body = await res.text().catch(() => '')
        throw new AgentTrailError(`Stream connection failed (${res.status})`, {
          status: res.status,
          code: errorCode(body),
          retryable: isRetryableStatus(res.status),
        })
      }
      const reader = res.body?.getReader()
      if (!reader) throw new Error('No response body for stream')
      const parser = new SseParser()
      const decoder = new TextDecoder()
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        for (const frame of parser.push(decoder.decode(value, { stream: true }))) dispatch(frame)
      }
    } catch (error) {
      if (controller.signal.aborted) return
      reportError(toError(error))
    } finally {
      controller.signal.removeEventListener('abort', abortConnection)
      connection.abort()
    }
    if (controller.signal.aborted) return
    timer = setTimeout(() => void connect(), delay)
    delay = Math.min(delay * 2, MAX_RECONNECT_DELAY_MS)
  }

  void connect()
  return {
    close() {
      controller.abort()
      if (timer !== undefined) clearTimeout(timer)
    },
  }
}

/** The `code` of an error body, if it is one. */
function errorCode(body: string): string | undefined {
  try {
    const code = (JSON.parse(body) as { code?: unknown } | null)?.code
    return typeof code === 'string' ? code : undefined
  } catch {
    return undefined
  }
}
