import { LIMITS } from '@agenttrail/protocol'
import type { OtlpRejection } from '@agenttrail/protocol'
import { AppError, StoreError } from '../../../app-error.js'
import type { IngestContext, IngestService } from '../../../ingest/ingest-service.js'

/** One span or log record mapped to an event, and how an answer names it. */
export interface MappedItem {
  event: Record<string, unknown>
  /** `span <traceId>/<spanId>`, `log record 3`: identifiers, never payload. */
  label: string
}

/** What became of a request's items. */
export interface IngestOutcome {
  /** Items not stored: rejected by the reader, refused by validation, or by a gate after the first batch. */
  rejected: number
  /** Why, one line each (the answer lists the first few). */
  problems: string[]
  /** Items stored as breaking a control rule, by rule. */
  violations: Map<string, number>
  replayed: boolean
}

/** Refusals that clear with time: the exporter retries the whole request, whose stored part dedups. */
const RETRYABLE = new Set(['rate_limited', 'unavailable'])

/** How long a client waits after the store failed a write before retrying, in seconds. */
const STORE_RETRY_AFTER_S = 5

/**
 * The mapped items through the one ingest pipeline (redaction, validation, gates, plan limits,
 * controls after the fact, idempotency, group commit), in batches of the native batch limit (1,000):
 * an exporter's batch may hold more (the Collector sends 8,192 spans). A refusal of the first batch
 * refuses the request (nothing stored). A later batch refused for good (the month's limit reached
 * in between) is counted as rejected, so the answer is a partial success; one refused for a while
 * (a rate limit, the store down) refuses the request, so the exporter retries it, and the batches
 * already stored are found again by their ids (derived from the span ids) and not stored twice.
 *
 * A store failure is answered 503 with `Retry-After`, which OTLP clients retry, rather than 500,
 * which they drop.
 */
export async function ingestItems(
  ingest: IngestService,
  ctx: IngestContext,
  items: readonly MappedItem[],
  rejected: readonly OtlpRejection[],
): Promise<IngestOutcome> {
  const outcome: IngestOutcome = {
    rejected: rejected.length,
    problems: rejected.map((r) => `${r.path}: ${r.reason}`),
    violations: new Map(),
    replayed: false,
  }
  for (let from = 0; from < items.length; from += LIMITS.batchEvents) {
    const batch = items.slice(from, from + LIMITS.batchEvents)
    const n = from / LIMITS.batchEvents
    // Each batch is its own request to the pipeline: its own Idempotency-Key claim.
    const batchCtx =
      n === 0
        ? ctx
        : {
            ...ctx,
            ...(ctx.idempotencyKey !== undefined && {
              idempotencyKey: `${ctx.idempotencyKey}#${n}`,
            }),
            ...(ctx.rawBody !== undefined && { rawBody: `${ctx.rawBody}#${n}` }),
          }
    let result
    try {
      result = await ingest.batch(
        batch.map((item) => item.event),
        batchCtx,
      )
    } catch (error) {
      if (error instanceof StoreError)
        throw new AppError(
          'unavailable',
          `the store could not take the data just now; retry after ${STORE_RETRY_AFTER_S} s`,
        ).with({ retryAfter: STORE_RETRY_AFTER_S })
      if (n === 0 || !(error instanceof AppError) || RETRYABLE.has(error.code)) throw error
      const left = items.length - from
      outcome.rejected += left
      outcome.problems.push(`${left} not stored: ${error.message}`)
      break
    }
    outcome.replayed ||= result.replayed
    for (const { index, details } of result.errors) {
      outcome.rejected++
      const label = batch[index]?.label ?? `item ${from + index}`
      const first = details[0]
      const field = first?.path.replace(/^events\.\d+\.?/, '')
      outcome.problems.push(
        `${label}: ${field ? `${field}: ` : ''}${first?.message ?? 'not valid'}`,
      )
    }
    for (const accepted of result.accepted)
      if (accepted.control?.decision === 'violation')
        outcome.violations.set(
          accepted.control.rule,
          (outcome.violations.get(accepted.control.rule) ?? 0) + 1,
        )
  }
  return outcome
}

/** How many problems an answer lists; the rest are counted. */
const LISTED = 5

/**
 * OTLP's `partialSuccess.errorMessage`: the rejected items and why (the first five), and the stored
 * items that broke a control rule (OTLP lets a full success carry a warning: 0 rejected and a
 * message). Undefined when there is nothing to say.
 */
export function outcomeMessage(outcome: IngestOutcome, noun: string): string | undefined {
  const parts: string[] = []
  if (outcome.rejected > 0) {
    const listed = outcome.problems.slice(0, LISTED).join('; ')
    const more = outcome.problems.length - LISTED
    parts.push(
      `${outcome.rejected} ${noun}${outcome.rejected === 1 ? '' : 's'} rejected: ${listed}${more > 0 ? `; and ${more} more` : ''}`,
    )
  }
  if (outcome.violations.size > 0) {
    const total = [...outcome.violations.values()].reduce((a, b) => a + b, 0)
    const rules = [...outcome.violations].map(([rule, n]) => `${rule}: ${n}`).join(', ')
    parts.push(
      `${total} ${noun}${total === 1 ? ' was' : 's were'} stored as breaking a control rule (${rules}); each event carries its control note`,
    )
  }
  return parts.length > 0 ? parts.join('. ') : undefined
}
