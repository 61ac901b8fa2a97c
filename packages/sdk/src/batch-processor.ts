import type { EventExporter, ExportResult } from './batch-exporter.js'
import type { Reporter } from './reporter.js'
import type { TrailEvent } from './trail-event.js'

export interface BatchProcessorConfig {
  maxQueueSize: number
  maxBatchSize: number
  flushIntervalMs: number
}

/** Counters since the client was created. */
export interface ProcessorStats {
  /** Waiting in memory, not yet handed to the exporter. */
  queued: number
  /** Acknowledged by the server. */
  sent: number
  /** Lost, for any reason (each loss was reported). */
  dropped: number
}

/**
 * Decides when events are sent, after OpenTelemetry's BatchSpanProcessorBase: a bounded queue that
 * drops the newest event and counts it when full; a batch is exported when it is full or when the
 * oldest waiting event has waited `flushIntervalMs` (an unref'd timer, so it never holds a process
 * open); one export in flight at a time. `add()` does no I/O and no serialization.
 */
export class BatchProcessor {
  private queue: TrailEvent[] = []
  private timer: ReturnType<typeof setTimeout> | undefined
  private exporting: Promise<void> | undefined
  private abort = new AbortController()
  private closed = false
  private queueFullSinceReport = 0
  /** Events accepted into the queue, and events whose export has finished either way; flush() waits on these. */
  private accepted = 0
  private settled = 0
  private readonly counts = { sent: 0, dropped: 0 }

  constructor(
    private readonly exporter: EventExporter,
    private readonly reporter: Reporter,
    private readonly config: BatchProcessorConfig,
  ) {}

  add(event: TrailEvent): void {
    if (this.closed) return this.lose(1, 'shutdown')
    if (this.queue.length >= this.config.maxQueueSize) {
      // Reported once per burst (a microtask later), not once per event on the caller's thread.
      if (this.queueFullSinceReport++ === 0) queueMicrotask(() => this.reportQueueFull())
      this.counts.dropped++
      return
    }
    this.queue.push(event)
    this.accepted++
    if (this.queue.length >= this.config.maxBatchSize) this.schedule(0)
    else if (this.timer === undefined) this.schedule(this.config.flushIntervalMs)
  }

  /** Resolves once every event added before the call has been sent or reported lost. Never rejects. */
  async flush(): Promise<void> {
    const target = this.accepted
    while (this.settled < target) {
      this.exportNext()
      if (this.exporting === undefined) break
      await this.exporting
    }
  }

  /**
   * `flush()` bounded by `timeoutMs`; true when everything was settled in time. The deadline timer
   * is ref'd: it is what keeps a process that is about to exit alive long enough to send.
   */
  async flushWithin(timeoutMs: number): Promise<boolean> {
    let timer: ReturnType<typeof setTimeout> | undefined
    const deadline = new Promise<boolean>(
      (resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)),
    )
    const done = await Promise.race([this.flush().then(() => true), deadline])
    clearTimeout(timer)
    return done
  }

  /** Stops taking events: later ones are dropped as `shutdown`. */
  close(): void {
    this.closed = true
    this.clearTimer()
  }

  /** After a deadline: aborts the export in flight and drops what is still queued, reporting both. */
  abandon(): void {
    this.abort.abort()
    // A fresh signal for later exports, should the process carry on after all.
    this.abort = new AbortController()
    const left = this.queue.length
    this.queue = []
    this.settled += left
    this.lose(left, 'shutdown')
  }

  stats(): ProcessorStats {
    return { queued: this.queue.length, sent: this.counts.sent, dropped: this.counts.dropped }
  }

  get pending(): number {
    return this.accepted - this.settled
  }

  private schedule(delayMs: number): void {
    if (this.closed && delayMs > 0) return
    this.clearTimer()
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.exportNext()
    }, delayMs)
    ;(this.timer as { unref?: () => void }).unref?.()
  }

  private exportNext(): void {
    if (this.exporting !== undefined || this.queue.length === 0) return
    this.clearTimer()
    const batch = this.queue.splice(0, this.config.maxBatchSize)
    this.exporting = this.exporter
      .export(batch, this.abort.signal)
      .then(
        (result) => this.record(result),
        (error: unknown) => this.lose(batch.length, 'export_failed', error),
      )
      .finally(() => {
        this.settled += batch.length
        this.exporting = undefined
        if (this.queue.length >= this.config.maxBatchSize) this.schedule(0)
        else if (this.queue.length > 0 && this.timer === undefined)
          this.schedule(this.config.flushIntervalMs)
      })
  }

  private record(result: ExportResult): void {
    this.counts.sent += result.sent
    for (const loss of result.losses) this.lose(loss.count, loss.reason, loss.cause)
  }

  private lose(count: number, reason: Parameters<Reporter['drop']>[1], cause?: unknown): void {
    this.counts.dropped += count
    this.reporter.drop(count, reason, cause)
  }

  private reportQueueFull(): void {
    const count = this.queueFullSinceReport
    this.queueFullSinceReport = 0
    this.reporter.drop(count, 'queue_full')
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
  }
}
