import type { DropReason } from './agent-trail-options.js'
import { AgentTrailError } from './errors.js'
import type { ErrorDetail } from './errors.js'
import { serializeEvent } from './event-serializer.js'
import type { EventDefaults } from './event-serializer.js'
import { httpError } from './http-transport.js'
import type { HttpTransport } from './http-transport.js'
import { withRetry } from './retry.js'
import type { RetryPolicy } from './retry.js'
import type { TrailEvent } from './trail-event.js'

/** Events that did not make it, and why. */
export interface ExportLoss {
  count: number
  reason: DropReason
  cause?: unknown
}

export interface ExportResult {
  sent: number
  losses: ExportLoss[]
}

/** Decides where events go; the processor decides when. A test or another backend can replace it. */
export interface EventExporter {
  export(events: TrailEvent[], signal: AbortSignal): Promise<ExportResult>
}

// The server takes 16 MiB per batch request; UTF-16 units times 3 bounds the UTF-8 size.
const MAX_CHUNK_CHARS = 5 * 1024 * 1024

/**
 * Sends events to `POST /api/v1/events/batch`, retrying transient failures within the deadline.
 * Every event carries its client id, so a retry of a batch the server did commit is answered as
 * a duplicate instead of being stored twice. Never throws: what was lost is in the result.
 */
export class BatchExporter implements EventExporter {
  /** Attempts beyond the first, over the exporter's life. */
  retries = 0

  constructor(
    private readonly transport: HttpTransport,
    private readonly config: { defaults: EventDefaults; retry: RetryPolicy; timeout: number },
  ) {}

  async export(events: TrailEvent[], signal: AbortSignal): Promise<ExportResult> {
    const result: ExportResult = { sent: 0, losses: [] }
    const chunks: string[][] = []
    let chunk: string[] = []
    let size = 0
    let unserializable = 0
    for (const event of events) {
      const json = serializeEvent(event, this.config.defaults)
      if (json === undefined) {
        unserializable++
        continue
      }
      if (chunk.length > 0 && size + json.length > MAX_CHUNK_CHARS) {
        chunks.push(chunk)
        chunk = []
        size = 0
      }
      chunk.push(json)
      size += json.length + 1
    }
    if (chunk.length > 0) chunks.push(chunk)
    if (unserializable > 0)
      result.losses.push({
        count: unserializable,
        reason: 'unserializable',
        cause: new AgentTrailError('AgentTrail: an event could not be turned into JSON', {
          code: 'unserializable',
        }),
      })
    // One request at a time, in order: the processor's "one export in flight" holds inside a batch too.
    for (const parts of chunks) await this.send(parts, signal, result)
    return result
  }

  private async send(parts: string[], signal: AbortSignal, result: ExportResult): Promise<void> {
    const body = `{"events":[${parts.join(',')}]}`
    try {
      const res = await withRetry(
        async (remainingMs) => {
          const timeoutMs = Math.max(1, Math.min(this.config.timeout, remainingMs))
          const r = await this.transport.request('POST', '/api/v1/events/batch', {
            body,
            signal,
            timeoutMs,
          })
          if (!r.ok) throw httpError('AgentTrail: Failed to send events', r)
          return r
        },
        this.config.retry,
        signal,
        () => this.retries++,
      )
      const refused = Array.isArray(res.json?.errors)
        ? (res.json.errors as Array<{ index: number; details?: ErrorDetail[] }>)
        : []
      result.sent += parts.length - refused.length
      if (refused.length > 0)
        result.losses.push({
          count: refused.length,
          reason: 'rejected',
          cause: new AgentTrailError(
            `AgentTrail: the server refused ${refused.length} of ${parts.length} events`,
            {
              status: res.status,
              code: 'validation_failed',
              details: refused.flatMap((e) =>
                (e.details ?? []).map((d) => ({ ...d, index: e.index })),
              ),
            },
          ),
        })
    } catch (error) {
      const retryable = error instanceof AgentTrailError && error.retryable
      const reason: DropReason = signal.aborted
        ? 'shutdown'
        : retryable
          ? 'export_failed'
          : 'rejected'
      result.losses.push({ count: parts.length, reason, cause: error })
    }
  }
}
