import type { AppendReceipt, FieldIssue, NewEvent } from '@agenttrail/protocol'
import type { OrgSettings } from '../store/org-settings.js'

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
  /** The event as normalized and redacted from this request (for a duplicate id, the stored one wins). */
  event: NewEvent
}

/**
 * A rule applied to valid events before the idempotency claim and the append: plan limits, agent
 * registration. Throws an AppError to refuse the whole request. Not run for a replay of an
 * `Idempotency-Key` (the first request passed them).
 */
export type IngestGate = (
  events: readonly NewEvent[],
  ctx: IngestContext,
  settings: OrgSettings,
  /** `check`: the events describe actions a check decides about (see `admitCheck`), not records. */
  purpose: 'ingest' | 'check',
) => Promise<void>

export interface BatchResult {
  accepted: Array<{ index: number } & IngestReceipt>
  errors: Array<{ index: number; details: FieldIssue[] }>
  /** True when the `Idempotency-Key` was seen before with this body. */
  replayed: boolean
}
