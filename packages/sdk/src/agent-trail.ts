import { checkAction, controlAgent, evaluateAction, waitForApproval } from './agent-controls.js'
import type {
  AgentControlResult,
  ApprovalDecision,
  CheckOptions,
  CheckResult,
  EvaluateOptions,
  WaitForApprovalOptions,
} from './agent-controls.js'
import { resolveOptions } from './agent-trail-options.js'
import type { AgentTrailOptions, ResolvedOptions } from './agent-trail-options.js'
import { BatchExporter } from './batch-exporter.js'
import { BatchProcessor } from './batch-processor.js'
import type { ProcessorStats } from './batch-processor.js'
import { AgentTrailError } from './errors.js'
import { openStream } from './event-stream.js'
import type { StreamHandle, StreamOptions } from './event-stream.js'
import { serializeEvent } from './event-serializer.js'
import { flushOnExit, stopFlushOnExit } from './exit-flush.js'
import type { ExitFlushable } from './exit-flush.js'
import { HttpTransport, httpError } from './http-transport.js'
import { nodeHttpFetch } from './node-http-fetch.js'
import { Reporter } from './reporter.js'
import { withRetry } from './retry.js'
import { traceId } from './trace-id.js'
import type { ErasureRequest, ErasureResult } from './log/log-types.js'
import { TrailReader, pathSegment } from './trail-reader.js'
import type { Answer } from './trail-reader.js'
import { runTrack } from './track.js'
import type { TrackOptions, TrackResult } from './track.js'
import type { EventReceipt, TrailEvent } from './trail-event.js'
import { uuidv7 } from './uuidv7.js'

/**
 * The AgentTrail client. `fire()` hands events to a batch processor that sends them in the
 * background (processor: when; exporter: where; transport: how, as in OpenTelemetry JS); `log()`
 * waits for the durable write. The AgentLedger methods (`track`, `check`, agent controls,
 * `evaluate`, `waitForApproval`, `stream`) keep that SDK's semantics so code ports by changing
 * the import. Nothing but `log()`, `track()` and the control calls ever throws into your code.
 */
export class AgentTrail {
  private readonly options: ResolvedOptions
  private readonly reporter: Reporter
  private readonly transport: HttpTransport
  private readonly exporter: BatchExporter
  private readonly processor: BatchProcessor
  private readonly exitHook: ExitFlushable
  private shutdownPromise: Promise<void> | undefined
  private reader: TrailReader | undefined

  /** Throws only on a missing or malformed API key, or a runtime without fetch. */
  constructor(options: AgentTrailOptions = {}) {
    const opts = (this.options = resolveOptions(options))
    this.reporter = new Reporter(opts)
    // A fetch the caller passes is used for everything; by default Node's requests go over node:http.
    this.transport = new HttpTransport({
      ...opts,
      fetch: options.fetch ?? nodeHttpFetch(opts.fetch) ?? opts.fetch,
    })
    this.exporter = new BatchExporter(this.transport, {
      defaults: { environment: opts.environment, tags: opts.tags },
      retry: { deadlineMs: opts.retryDeadlineMs },
      timeout: opts.timeout,
    })
    this.processor = new BatchProcessor(this.exporter, this.reporter, opts)
    this.exitHook = { flushBeforeExit: () => this.flushBeforeExit() }
    if (opts.flushOnExit) flushOnExit(this.exitHook)
    // fire() must not throw even when passed around unbound (`items.forEach(trail.fire)`).
    this.fire = this.fire.bind(this)
  }

  /** A trace id in AgentLedger's format, `tr_<base36 ms>_<8 base36 chars>`. */
  static traceId(): string {
    return traceId()
  }

  /**
   * Queues an event and returns at once: no I/O, no serialization, never throws. It gets a UUIDv7
   * `id` and a `ts` now unless it has them, and is sent within `flushIntervalMs` or as soon as a
   * batch is full. Do not change the object's nested values after firing; the top level is copied.
   */
  fire(event: TrailEvent): void {
    try {
      // The slots come first on purpose: adding properties to a spread copy afterwards takes V8 off
      // its fast path and cost about 2 µs per event; filling slots that exist costs nothing.
      const copy: TrailEvent = { id: undefined, ts: undefined, environment: undefined, ...event }
      const now = Date.now()
      if (copy.id === undefined) copy.id = uuidv7(now)
      if (copy.ts === undefined) copy.ts = now
      this.processor.add(copy)
    } catch (error) {
      this.reporter.error(error)
    }
  }

  /**
   * Sends one event to `POST /api/v1/events` and resolves once the server has committed it.
   * Transient failures are retried with the same id (so never stored twice) until `retryDeadlineMs`.
   * Rejects with an AgentTrailError (`status`, `code`, `details`) when it cannot be written.
   */
  async log(event: TrailEvent): Promise<EventReceipt> {
    const copy: TrailEvent = { id: undefined, ts: undefined, environment: undefined, ...event }
    const now = Date.now()
    if (copy.id === undefined) copy.id = uuidv7(now)
    if (copy.ts === undefined) copy.ts = now
    const body = serializeEvent(copy, {
      environment: this.options.environment,
      tags: this.options.tags,
    })
    if (body === undefined)
      throw new AgentTrailError('AgentTrail: the event could not be turned into JSON', {
        code: 'unserializable',
      })
    const res = await withRetry(
      async (remainingMs) => {
        const timeoutMs = Math.max(1, Math.min(this.options.timeout, remainingMs))
        const r = await this.transport.request('POST', '/api/v1/events', { body, timeoutMs })
        if (!r.ok) throw httpError('AgentTrail: Failed to log event', r)
        return r
      },
      { deadlineMs: this.options.retryDeadlineMs, keepAlive: true },
    )
    return { id: res.json?.id ?? copy.id, seq: res.json?.seq }
  }

  /**
   * Resolves when every event fired before the call is sent or reported lost (retries end at
   * `retryDeadlineMs`). Never rejects. Holds the process open while it waits: the caller asked.
   */
  flush(): Promise<void> {
    const keepAlive = setInterval(() => {}, 60_000)
    return this.processor.flush().finally(() => clearInterval(keepAlive))
  }

  /**
   * Stops taking events and sends the pending ones, waiting at most `shutdownTimeoutMs`; what is
   * left then is dropped and reported. Safe to call more than once: every call gets the same promise.
   */
  shutdown(): Promise<void> {
    this.shutdownPromise ??= (async () => {
      stopFlushOnExit(this.exitHook)
      this.processor.close()
      if (!(await this.processor.flushWithin(this.options.shutdownTimeoutMs)))
        this.processor.abandon()
    })()
    return this.shutdownPromise
  }

  /**
   * Wraps a serverless handler so each invocation ends with a flush (the platform may freeze the
   * process as soon as the handler returns). The flush waits at most `timeoutMs` (default
   * `shutdownTimeoutMs`); what is not sent by then stays queued for the next invocation.
   */
  withFlush<A extends unknown[], R>(
    handler: (...args: A) => R,
    options: { timeoutMs?: number } = {},
  ): (...args: A) => Promise<Awaited<R>> {
    const timeoutMs = options.timeoutMs ?? this.options.shutdownTimeoutMs
    return async (...args: A): Promise<Awaited<R>> => {
      try {
        return (await handler(...args)) as Awaited<R>
      } finally {
        await this.processor.flushWithin(timeoutMs)
      }
    }
  }

  /** Events queued, sent and dropped so far, and retries made. */
  stats(): ProcessorStats & { retries: number } {
    return { ...this.processor.stats(), retries: this.exporter.retries }
  }

  /**
   * Hands a failure to `onError` (else the console reporter); never throws. For integrations,
   * which must not throw into the library they instrument but must not hide their own bugs either.
   */
  reportError(error: unknown): void {
    this.reporter.error(error)
  }

  /** AgentLedger's track(): check, run `fn`, record the outcome. See TrackOptions and the README. */
  track<T>(options: TrackOptions<T>, fn: () => T | Promise<T>): Promise<TrackResult<T>> {
    return runTrack(
      {
        check: (o) => this.check(o),
        fire: this.fire,
        reportError: (e) => this.reporter.error(e),
        failOpen: this.options.failOpen,
      },
      options,
      fn,
    )
  }

  /** POST /api/v1/check: may this agent do this now? Throws `AgentLedger: Check failed (<status>)` on a non-2xx answer. */
  check(options: CheckOptions): Promise<CheckResult> {
    return checkAction(this.controls, options)
  }

  /**
   * Blocks the agent's actions until resumed, in the client's environment or `options.environment`.
   * Resolves to the server's answer: the status now, and whether anything changed.
   */
  pauseAgent(name: string, options: { environment?: string } = {}): Promise<AgentControlResult> {
    return controlAgent(this.controlsIn(options.environment), name, 'pause')
  }

  /** Lets a paused agent act again; a killed one answers 409 `agent_killed`. */
  resumeAgent(name: string, options: { environment?: string } = {}): Promise<AgentControlResult> {
    return controlAgent(this.controlsIn(options.environment), name, 'resume')
  }

  /** Stops the agent for good, in the client's environment or `options.environment`. */
  killAgent(name: string, options: { environment?: string } = {}): Promise<AgentControlResult> {
    return controlAgent(this.controlsIn(options.environment), name, 'kill')
  }

  /**
   * The trail's read side on this client's connection: events, stats, agents, conversations,
   * traces, alerts, approvals, policies and budgets (the key needs the `read` scope).
   */
  get read(): TrailReader {
    this.reader ??= new TrailReader(this.transport)
    return this.reader
  }

  /**
   * Decides a pending approval (`PATCH /api/v1/approvals/{id}`; the key needs the `approve` scope
   * and must not be the one that asked). Resolves to the decided approval.
   */
  async decideApproval(
    id: string,
    decision: 'approved' | 'denied',
    options: { decidedBy?: string; note?: string } = {},
  ): Promise<Answer> {
    const answer = await this.read.request('PATCH', `/api/v1/approvals/${pathSegment(id, 'id')}`, {
      body: { status: decision, decided_by: options.decidedBy, note: options.note },
    })
    return answer.approval as Answer
  }

  /**
   * `POST /api/v1/erasures` (an `admin` key): erases a person's events (`user`), an agent's day
   * (`agent` and `day`, `YYYY-MM-DD` UTC) or one event (`eventId`), with everything derived from
   * them; their leaves stay in the integrity log and a tombstone saying who erased what and why is
   * appended, so every proof and checkpoint stays valid. Resolves to the count and the tombstones.
   */
  async erase(request: ErasureRequest): Promise<ErasureResult> {
    const { eventId, requestRef, ...rest } = request as ErasureRequest & {
      eventId?: string
      requestRef?: string | null
    }
    const body = {
      ...rest,
      ...(eventId !== undefined && { event_id: eventId }),
      ...(requestRef !== undefined && { request_ref: requestRef }),
    }
    return (await this.read.request('POST', '/api/v1/erasures', { body })) as ErasureResult
  }

  /**
   * Deletes one event (`DELETE /api/v1/events/{id}`, `admin` scope). The deletion is itself
   * recorded in the trail as an `audit` event.
   */
  async deleteEvent(id: string): Promise<Answer> {
    return this.read.request('DELETE', `/api/v1/events/${pathSegment(id, 'id')}`)
  }

  /**
   * Scores a recorded action (0 to 100). Flushes first, for at most `shutdownTimeoutMs`, so an
   * `actionId` from `track()` is on the server; a server that is down cannot hold it longer.
   */
  async evaluate(actionId: string, options: EvaluateOptions): Promise<{ id: string }> {
    await this.processor.flushWithin(this.options.shutdownTimeoutMs)
    return evaluateAction(this.controls, actionId, options)
  }

  /** Polls an approval until a person decides: `'approved'`, `'denied'` or `'expired'`. */
  waitForApproval(approvalId: string, options?: WaitForApprovalOptions): Promise<ApprovalDecision> {
    return waitForApproval(this.controls, approvalId, options)
  }

  /** Live events over SSE, reconnecting with `Last-Event-ID` until `close()`. */
  stream(options?: StreamOptions): StreamHandle {
    const { baseUrl, apiKey, environment, fetch } = this.options
    return openStream(
      { baseUrl, apiKey, environment, fetch, onError: (e) => this.reporter.error(e) },
      options,
    )
  }

  private get controls() {
    return this.controlsIn(undefined)
  }

  private controlsIn(environment: string | undefined) {
    return { transport: this.transport, environment: environment ?? this.options.environment }
  }

  private async flushBeforeExit(): Promise<void> {
    if (this.processor.pending === 0) return
    if (!(await this.processor.flushWithin(this.options.shutdownTimeoutMs)))
      this.processor.abandon()
  }
}
