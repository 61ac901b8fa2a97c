import { createHash } from 'node:crypto'
import { normalizeEvent } from '@agenttrail/protocol'
import type { AppendReceipt, FieldIssue, NewEvent } from '@agenttrail/protocol'
import { AppError } from '../app-error.js'
import type { IdempotencyStore } from '../store/store.js'
import type { GroupCommitter } from './group-committer.js'

export interface IngestContext {
  orgId: string
  ipAddress: string | null
  /** The `Idempotency-Key` header, if any. */
  idempotencyKey?: string
  /** The raw request body, hashed to tell a replay from a different request under the same key. */
  rawBody?: string
}

export interface IngestReceipt extends AppendReceipt {
  duplicate: boolean
}

export interface BatchResult {
  accepted: Array<{ index: number } & IngestReceipt>
  errors: Array<{ index: number; details: FieldIssue[] }>
  /** True when the `Idempotency-Key` was seen before with this body. */
  replayed: boolean
}

/**
 * The one ingest pipeline every surface feeds: validate and normalize, apply the idempotency
 * claim, then append through the group committer. (Redaction and decisions join it in later
 * stages; they go here, not in the routes.)
 */
export function createIngestService(deps: { committer: GroupCommitter; idempotency: IdempotencyStore; idempotencyTtlMs: number }) {
  const { committer, idempotency, idempotencyTtlMs } = deps

  async function ingest(raws: readonly unknown[], ctx: IngestContext, single: boolean): Promise<BatchResult> {
    const now = Date.now()
    const events: Array<{ index: number; event: NewEvent }> = []
    const errors: BatchResult['errors'] = []
    raws.forEach((raw, index) => {
      const result = normalizeEvent(raw, {
        now,
        ipAddress: ctx.ipAddress,
        idempotencyKey: ctx.idempotencyKey ?? null,
        path: single ? undefined : `events.${index}`,
      })
      if (result.ok) events.push({ index, event: result.event })
      else errors.push({ index, details: result.issues })
    })
    // An invalid single event never claims the key, so the corrected retry can use it.
    if (single && errors.length > 0) return { accepted: [], errors, replayed: false }
    let replayed = false
    if (ctx.idempotencyKey !== undefined) {
      const proposed = raws.map(() => '')
      for (const { index, event } of events) proposed[index] = event.id
      const hash = createHash('sha256')
        .update(ctx.rawBody ?? JSON.stringify(raws))
        .digest('hex')
      const claim = await idempotency.claim(ctx.orgId, ctx.idempotencyKey, hash, proposed, now, idempotencyTtlMs)
      if (claim.state === 'mismatch')
        throw new AppError(
          'idempotency_key_reused',
          'this Idempotency-Key was already used with a different request body; use a new key for a new request',
        )
      replayed = claim.state === 'replay'
      // The first request's ids: appending them again finds the stored events and changes nothing.
      for (const item of events) item.event.id = claim.ids[item.index] ?? item.event.id
    }
    const outcomes = await committer.append(events.map(({ event }) => ({ orgId: ctx.orgId, event })))
    return {
      accepted: outcomes.map((outcome, i) => ({ index: (events[i] as { index: number }).index, ...outcome })),
      errors,
      replayed,
    }
  }

  return {
    /** One event; throws `validation_failed` naming every field problem. */
    async one(raw: unknown, ctx: IngestContext): Promise<IngestReceipt & { replayed: boolean }> {
      const result = await ingest([raw], ctx, true)
      const receipt = result.accepted[0]
      if (!receipt) {
        const issues = result.errors[0]?.details ?? []
        throw new AppError('validation_failed', describe(issues), issues)
      }
      return { id: receipt.id, seq: receipt.seq, received_at: receipt.received_at, duplicate: receipt.duplicate, replayed: result.replayed }
    },
    /** Up to the batch limit; valid events are appended together, invalid ones reported by index. */
    batch: (raws: readonly unknown[], ctx: IngestContext) => ingest(raws, ctx, false),
  }
}

export type IngestService = ReturnType<typeof createIngestService>

/** "tokens_input: must not be negative" for one problem, a count for several. */
export function describe(issues: readonly FieldIssue[]): string {
  const first = issues[0]
  if (!first) return 'the event is not valid'
  const lead = first.path ? `${first.path}: ${first.message}` : first.message
  return issues.length === 1 ? lead : `${lead} (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''}; see details)`
}
