import type { AppendReceipt, FieldIssue, NewEvent } from '@agenttrail/protocol'
import type { OrgSettings } from '../orgs/org-settings.js'

export interface IngestContext {
  orgId: string
  ipAddress: string | null
  /** The `Idempotency-Key` header, if any. */
  idempotencyKey?: string
  /** The raw request body, hashed to tell a replay from a different request under the same key. */
  rawBody?: string
  /**
   * The request carries no API key: a paid log (x402), which anyone may send with a payment that
   * will not settle. It draws on a requests-per-minute bucket of its own (plan-gate.ts), so such
   * traffic cannot spend the requests of the org's keys.
   */
  keyless?: boolean
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

/**
 * The last step before a single event's append (`IngestService.one`): it sees the event as it will
 * be stored (an id, redacted, admitted, counted) and may add server-made facts to it. A throw
 * refuses the request with nothing stored. Paid logs settle their payment here (x402).
 */
export type BeforeAppend = (events: NewEvent[]) => Promise<void>

export interface BatchResult {
  accepted: Array<{ index: number } & IngestReceipt>
  errors: Array<{ index: number; details: FieldIssue[] }>
  /** True when the `Idempotency-Key` was seen before with this body. */
  replayed: boolean
}

/** The plan's monthly log limit, counted before the append (plan-gate.ts `createPlanQuota`). */
export interface PlanQuota {
  /**
   * Reserves `n` places of the month; the month reserved in, or undefined when the plan has no
   * limit. Throws `plan_limit_exceeded`.
   */
  reserve(orgId: string, settings: OrgSettings, n: number): Promise<string | undefined>
  /** Gives back `n` places reserved in `month` that were not used. */
  release(orgId: string, month: string, n: number): Promise<void>
}
