import { centsToUsd } from '../event-serializer.js'
import type { TrailEvent } from '../trail-event.js'
import { errorField, safely } from './support/trail-sink.js'
import type { TrailSink } from './support/trail-sink.js'

export { trackFunction } from './track-function.js'
export type { TrackFunctionOptions } from './track-function.js'

export interface MiddlewareConfig {
  /** The agent every request is recorded under. */
  agent: string
  /** Default `http`, or from the path with `autoDetect`. */
  service?: string
  /** Default `request`, or from the path with `autoDetect`. */
  action?: string
  /** Take service and action from the path (relative to where the middleware is mounted): `/email/send` → `email`, `send`; `/send` → action `send`. */
  autoDetect?: boolean
  /** The request's cost in cents (AgentLedger's unit). What it throws is reported and the request is recorded without a cost. */
  costExtractor?: (req: any, res: any) => number
  /** More native fields for every event (`kind`, `user`, `tags`, `metadata`...). */
  event?: TrailEvent
}

/** What the middleware reads of a request: Express's, or any Node framework's with `method` and `url`. */
export interface RequestLike {
  method?: string
  path?: string
  url?: string
}

/** What it needs of a response: its status code, and either its events (Node's `ServerResponse`) or `end`. */
export interface ResponseLike {
  statusCode: number
  once?(event: string, listener: () => void): unknown
  end?(...args: any[]): unknown
}

/**
 * Express middleware (AgentLedger's `agentLedgerMiddleware`) that records each request once its
 * response is sent: status `error` from 400 up, its duration, method, path and status code. It
 * never checks first, so it never refuses a request, and it records through `fire()`, so the
 * response does not wait. A request whose client hangs up before the response is sent is recorded
 * as an error.
 *
 * ```ts
 * app.post('/api/send-email', agentTrailMiddleware(trail, { agent: 'email-bot', service: 'sendgrid', action: 'send_email' }), handler)
 * app.use('/api/agent', agentTrailMiddleware(trail, { agent: 'my-agent', autoDetect: true }))
 * ```
 */
export function agentTrailMiddleware(client: TrailSink, config: MiddlewareConfig) {
  return function agentTrail(
    req: RequestLike,
    res: ResponseLike,
    next: (error?: unknown) => void,
  ): void {
    const startedAt = Date.now()
    const t0 = performance.now()
    // Read now: a mounted router rewrites req.url while it runs, and AgentLedger read it inside the handler.
    // Without the query string: it may carry tokens (`?api_key=...`) that must not be recorded.
    const path = (req.path || req.url || '').split('?')[0] ?? ''
    let recorded = false
    const record = (hungUp: boolean) => {
      if (recorded) return
      recorded = true
      safely(client, () =>
        client.fire(
          requestEvent(
            client,
            config,
            req,
            res,
            path,
            startedAt,
            Math.round(performance.now() - t0),
            hungUp,
          ),
        ),
      )
    }
    if (typeof res.once === 'function') {
      res.once('finish', () => record(false))
      res.once('close', () => record(true))
    } else if (typeof res.end === 'function') {
      const end = res.end
      res.end = function (this: unknown, ...args: unknown[]) {
        record(false)
        return end.apply(this, args)
      }
    }
    next()
  }
}

/** The same middleware under AgentLedger's name. */
export { agentTrailMiddleware as agentLedgerMiddleware }

function requestEvent(
  client: TrailSink,
  config: MiddlewareConfig,
  req: RequestLike,
  res: ResponseLike,
  path: string,
  startedAt: number,
  durationMs: number,
  hungUp: boolean,
): TrailEvent {
  const { service, action } = serviceAndAction(config, path)
  const { metadata, ...fields } = config.event ?? {}
  const event: TrailEvent = {
    ...fields,
    ts: startedAt,
    agent: config.agent,
    service,
    action,
    status: hungUp || res.statusCode >= 400 ? 'error' : 'success',
    duration_ms: durationMs,
    metadata: {
      ...metadata,
      source: 'express',
      method: req.method,
      path,
      statusCode: res.statusCode,
    },
  }
  if (hungUp)
    event.error = errorField(
      new Error('The client closed the connection before the response was sent'),
    )
  if (config.costExtractor) {
    try {
      const cents = config.costExtractor(req, res)
      if (typeof cents === 'number' && Number.isFinite(cents) && cents >= 0)
        event.cost_usd = centsToUsd(cents)
    } catch (error) {
      client.reportError?.(error)
    }
  }
  return event
}

/** AgentLedger's rule: the last two path segments are service and action; a single one is the action. */
function serviceAndAction(
  config: MiddlewareConfig,
  path: string,
): { service: string; action: string } {
  let service = config.service || 'http'
  let action = config.action || 'request'
  if (config.autoDetect) {
    const parts = path.split('?')[0]!.split('/').filter(Boolean)
    if (parts.length >= 2) {
      service = parts[parts.length - 2] || service
      action = parts[parts.length - 1] || action
    } else if (parts.length === 1) {
      action = parts[0] || action
    }
  }
  return { service, action }
}
