import type { CheckOptions, CheckResult } from './agent-controls.js'
import { ActionBlockedError, AgentTrailError, ApprovalRequiredError } from './errors.js'
import { centsToUsd } from './event-serializer.js'
import type { TrailEvent } from './trail-event.js'
import { uuidv7 } from './uuidv7.js'

/** AgentLedger's track options, plus three AgentTrail ones (`check`, `event`, `enrich`) for integrations. */
export interface TrackOptions<T = unknown> extends CheckOptions {
  service: string
  action: string
  metadata?: Record<string, unknown>
  /** Explicit output to record; wins over `captureOutput`. */
  output?: unknown
  /** Record the function's return value as the output. Default false. */
  captureOutput?: boolean
  /** Ask the server first (true) or only record (false: no round trip at all). Default true. */
  check?: boolean
  /** More native fields for the recorded event: `kind`, `user`, `tags`, span ids, `provider`, `model`... */
  event?: TrailEvent
  /**
   * Fields taken from the outcome, for wrappers that know the result's shape (token counts, model,
   * stop reason). Called once after `fn` settles; what it throws is reported, never rethrown.
   */
  enrich?: (outcome: { result?: T; error?: unknown; durationMs: number }) => TrailEvent | undefined
}

export interface TrackResult<T> {
  result: T
  /** Always true when `track()` returns (a refusal throws). */
  allowed: boolean
  /** How long `fn` ran, in whole ms. */
  durationMs: number
  /** The recorded event's id, generated on the client: valid at once, on the server after the next flush. */
  actionId: string
}

export interface TrackDeps {
  check(options: CheckOptions): Promise<CheckResult>
  fire(event: TrailEvent): void
  reportError(error: unknown): void
  failOpen: boolean
}

/**
 * AgentLedger's `track()` (agentledger-wire.md §1.3): check → fn → record. The check stays a
 * round trip because it decides; the record goes through the batcher with a client-generated id,
 * so it costs the caller nothing and a retry cannot duplicate it. AgentLedger made the caller wait
 * for both, one after the other.
 */
export async function runTrack<T>(
  deps: TrackDeps,
  options: TrackOptions<T>,
  fn: () => T | Promise<T>,
): Promise<TrackResult<T>> {
  if (options.check !== false) {
    let decision: CheckResult | undefined
    try {
      decision = await deps.check(options)
    } catch (error) {
      if (!deps.failOpen)
        throw new AgentTrailError('AgentLedger: Cannot verify action (fail-closed mode)', {
          code: 'fail_closed',
          cause: error,
        })
      deps.reportError(error)
    }
    if (decision !== undefined && !decision.allowed) {
      if (decision.requiresApproval && decision.approvalId)
        throw new ApprovalRequiredError(decision.approvalId)
      throw new ActionBlockedError(decision.blockReason)
    }
  }

  const id = uuidv7()
  const startedAt = Date.now()
  const t0 = performance.now()
  let result: T
  try {
    result = await fn()
  } catch (error) {
    const durationMs = Math.round(performance.now() - t0)
    const output = options.output !== undefined ? options.output : errorOutput(error)
    const event = recordOf(options, id, startedAt, 'error', durationMs, output)
    event.error =
      error instanceof Error
        ? { name: error.name, message: error.message }
        : { message: String(error) }
    deps.fire(enriched(deps, options, event, { error, durationMs }))
    throw error
  }
  const durationMs = Math.round(performance.now() - t0)
  const output =
    options.output !== undefined ? options.output : options.captureOutput ? result : undefined
  deps.fire(
    enriched(deps, options, recordOf(options, id, startedAt, 'success', durationMs, output), {
      result,
      durationMs,
    }),
  )
  return { result, allowed: true, durationMs, actionId: id }
}

function recordOf(
  options: TrackOptions<any>,
  id: string,
  ts: number,
  status: string,
  durationMs: number,
  output: unknown,
): TrailEvent {
  const event: TrailEvent = {
    id,
    ts,
    kind: 'action',
    agent: options.agent,
    service: options.service,
    action: options.action,
    status,
    duration_ms: durationMs,
    metadata: snapshot(options.metadata ?? {}) as Record<string, unknown>,
  }
  if (options.costCents !== undefined) event.cost_usd = centsToUsd(options.costCents)
  if (options.traceId) event.trace_id = options.traceId
  if (options.input !== undefined) event.input = snapshot(options.input)
  if (output !== undefined) event.output = snapshot(output)
  return options.event ? { ...event, ...options.event, id, status } : event
}

function enriched<T>(
  deps: TrackDeps,
  options: TrackOptions<T>,
  event: TrailEvent,
  outcome: Parameters<NonNullable<TrackOptions<T>['enrich']>>[0],
) {
  if (!options.enrich) return event
  try {
    return { ...event, ...options.enrich(outcome), id: event.id }
  } catch (error) {
    deps.reportError(error)
    return event
  }
}

// AgentLedger records a thrown error as the output: its message and stack.
function errorOutput(error: unknown): unknown {
  return error instanceof Error
    ? { error: error.message, stack: error.stack }
    : { error: String(error) }
}

/**
 * The value as it is now: the record is sent later, with a batch, and the application may change
 * its objects meanwhile (AgentLedger serialized them when the action ended). A value JSON cannot
 * copy (circular, BigInt) is kept as it is; the serializer marks it when the batch is sent.
 */
function snapshot(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value
  try {
    return JSON.parse(JSON.stringify(value)) as unknown
  } catch {
    return value
  }
}
