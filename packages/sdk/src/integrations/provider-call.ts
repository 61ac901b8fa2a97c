import type { TrailEvent } from '../trail-event.js'

/**
 * Where a wrapper sends its events: an `AgentTrail`, a `LogwickClient`, anything with `fire()`.
 * `reportError` (AgentTrail has it) receives the wrapper's own failures to read a provider's answer.
 */
export interface EventSink {
  fire(event: TrailEvent): void
  reportError?(error: unknown): void
}

/** Options every provider wrapper takes. */
export interface ProviderWrapOptions<P = any> {
  /**
   * Fields for every recorded call (`agent`, `user`, `conversation_id`, `trace_id`, `tags`,
   * `metadata`...), or a function of the call's request parameters that returns them. They win over
   * what the wrapper records (so `provider` or `model` can be renamed); `metadata` is merged.
   */
  event?: TrailEvent | ((params: P) => TrailEvent | undefined)
}

/** The static fields of `options.event` for one call; a throwing function counts as none. */
export function optionFields<P>(
  options: ProviderWrapOptions<P>,
  params: P,
): TrailEvent | undefined {
  const { event } = options
  if (typeof event !== 'function') return event
  try {
    return event(params)
  } catch {
    return undefined
  }
}

/**
 * One provider call being recorded: it fires exactly one `llm_call` event, stamped with the time the
 * call started and how long it took, when the call succeeds, fails or its stream ends. `request`
 * (what was asked) and `fields` (the caller's options) are computed up front; the outcome's fields are
 * computed by the callbacks given to `success()` and `failure()`, inside a guard: if reading the
 * provider's answer throws, a smaller event still records the call and why its details are missing.
 */
export class ProviderCall {
  private readonly startedAt = Date.now()
  private readonly t0 = performance.now()
  private readonly request: TrailEvent
  private done = false

  /** `request` is read now: the application may change its arrays (push the next turn) before the call ends. */
  constructor(
    private readonly sink: EventSink,
    private readonly provider: string,
    request: () => TrailEvent,
    private readonly fields: TrailEvent | undefined,
  ) {
    try {
      this.request = request()
    } catch (error) {
      this.report(error)
      this.request = { metadata: { recording_error: messageOf(error) } }
    }
  }

  success(outcome: () => TrailEvent): void {
    this.finish('success', outcome)
  }

  failure(error: unknown, outcome: () => TrailEvent = () => ({})): void {
    this.finish('error', () => ({ error: errorFields(error), ...outcome() }))
  }

  private finish(status: string, outcome: () => TrailEvent): void {
    if (this.done) return
    this.done = true
    const base: TrailEvent = {
      ts: this.startedAt,
      kind: 'llm_call',
      provider: this.provider,
      status,
      duration_ms: Math.round(performance.now() - this.t0),
    }
    let recorded: TrailEvent
    try {
      recorded = mergeFields(base, this.request, outcome(), { status })
    } catch (error) {
      this.report(error)
      recorded = mergeFields(
        base,
        this.request,
        { metadata: { recording_error: messageOf(error) } },
        { status },
      )
    }
    try {
      this.sink.fire(mergeFields(recorded, this.fields))
    } catch (error) {
      // fire() never throws; a custom sink might, and the application must not notice.
      this.report(error)
    }
  }

  /** The wrapper's own failure, to the sink's error handler; never thrown into the application. */
  report(error: unknown): void {
    try {
      this.sink.reportError?.(error)
    } catch {
      // Nowhere better to go.
    }
  }
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error))

/** Later parts win, except `metadata`, which is merged. */
export function mergeFields(...parts: Array<TrailEvent | undefined>): TrailEvent {
  const merged: TrailEvent = {}
  let metadata: Record<string, unknown> | undefined
  for (const part of parts) {
    if (!part) continue
    Object.assign(merged, part)
    if (part.metadata) metadata = { ...metadata, ...part.metadata }
  }
  if (metadata) merged.metadata = metadata
  return merged
}

/** A provider error as an event's `error`: its name, message and HTTP status, never its request. */
export function errorFields(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) }
  const fields: Record<string, unknown> = { name: error.name, message: error.message }
  const status = (error as { status?: unknown }).status
  if (typeof status === 'number') fields.status = status
  return fields
}

type HeadersLike =
  { forEach(fn: (value: string, name: string) => void): void } | Record<string, unknown>

/** The response headers whose lower-case name passes `keep`, as a plain object; undefined when none. */
export function headerFields(
  headers: unknown,
  keep: (name: string) => boolean,
): Record<string, string> | undefined {
  if (headers === null || typeof headers !== 'object') return undefined
  const picked: Record<string, string> = {}
  const add = (value: unknown, name: string) => {
    const lower = name.toLowerCase()
    if (keep(lower) && value !== undefined && value !== null) picked[lower] = String(value)
  }
  const h = headers as HeadersLike
  if (typeof h.forEach === 'function')
    (h as { forEach(fn: (value: string, name: string) => void): void }).forEach(add)
  else for (const [name, value] of Object.entries(h)) add(value, name)
  return Object.keys(picked).length > 0 ? picked : undefined
}

/** The error recorded when the application stops reading a stream (or aborts it) before its end. */
export function streamCanceled(): Error {
  const error = new Error('The stream was closed before the response ended')
  error.name = 'StreamCanceled'
  return error
}

/** Sum of the counts that are numbers; undefined when none is. */
export function sumCounts(...counts: Array<number | undefined>): number | undefined {
  const known = counts.filter((n): n is number => typeof n === 'number')
  return known.length > 0 ? known.reduce((a, b) => a + b, 0) : undefined
}

/** A count the server accepts (a whole number ≥ 0), or undefined. */
export function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined
}

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  )
}
