import { normalizeEvent } from '@agenttrail/protocol'
import type { NewEvent } from '@agenttrail/protocol'

/** The `action` of a tombstone: the audit event an erasure appends (SPEC18, "Tombstones"). */
export const ERASURE_ACTION = 'log.erasure'

/** Inclusive seq ranges one tombstone names at most; more make several tombstones. */
export const MAX_TOMBSTONE_RANGES = 5_000

/**
 * What chose the erased events, as the tombstone says it: never a personal value (a user erasure
 * says `by: user` and not whose), only what an auditor needs to see why those seqs went.
 */
export type ErasureSelector =
  | { by: 'user' }
  | { by: 'agent_day'; agent: string; day: string; environment: string | null }
  | { by: 'event'; event_id: string }
  | { by: 'retention'; before: string; retention_days: number }
  | { by: 'range'; from: number; to: number }

/** Who erases, why, and under which request: the tombstone's content besides the seqs. */
export interface ErasureRecord {
  /** Why (free text, at most 500 characters): `gdpr-art17`, `retention`, an operator's note. */
  reason: string
  selector: ErasureSelector
  /** The caller's reference for the request (a ticket, a DSAR number); null when none. */
  requestRef: string | null
  /** The key id that asked, or `system` for a job: the tombstone's `user`. */
  actor: string
  /** The tombstone's environment. Default `production`. */
  environment?: string
  /** The caller's address, when a request asked for it. */
  ipAddress?: string | null
}

/** A tombstone as appended: its event id and seq. */
export interface Tombstone {
  id: string
  seq: number
}

/** What one erasure did. */
export interface Erasure {
  /** Events erased. */
  erased: number
  /** The tombstones appended in the erasure's transaction (none when nothing matched). */
  tombstones: Tombstone[]
  /** The UTC days (`YYYY-MM-DD`) of each agent the erased events belonged to, for their archive files. */
  days: Array<{ environment: string; agent: string; day: string }>
}

/** Ascending seqs as inclusive `[first, last]` runs of consecutive seqs. */
export function seqRanges(seqs: Iterable<number>): Array<[number, number]> {
  const ranges: Array<[number, number]> = []
  let run: [number, number] | undefined
  for (const seq of seqs) {
    if (run && seq === run[1] + 1) run[1] = seq
    else ranges.push((run = [seq, seq]))
  }
  return ranges
}

/**
 * The tombstone events of an erasure of `ranges` (ascending, inclusive): one per
 * `MAX_TOMBSTONE_RANGES` ranges, each an `audit` event `log.erasure` whose metadata names its ranges,
 * how many seqs they hold, the reason, the selector and the request reference, with `user` the
 * actor. No agent, as every audit record (see ingest/record-audit.ts): no agent-scoped erasure can
 * take it. The title says only the count, as titles are clear in the log's leaf. Throws when the
 * record does not make a valid event (a bug of the caller, which validates the reason).
 */
export function tombstoneEvents(
  ranges: ReadonlyArray<readonly [number, number]>,
  record: ErasureRecord,
  now: number,
): NewEvent[] {
  const events: NewEvent[] = []
  for (let i = 0; i < ranges.length; i += MAX_TOMBSTONE_RANGES) {
    const erased = ranges.slice(i, i + MAX_TOMBSTONE_RANGES)
    const count = erased.reduce((n, [first, last]) => n + last - first + 1, 0)
    const normalized = normalizeEvent(
      {
        kind: 'audit',
        action: ERASURE_ACTION,
        status: 'success',
        user: record.actor,
        environment: record.environment ?? 'production',
        title: `Erased ${count} event${count === 1 ? '' : 's'}`,
      },
      { now, ipAddress: record.ipAddress ?? null },
    )
    if (!normalized.ok) throw new Error('the log.erasure tombstone is not a valid event')
    // Set after validation: 5,000 ranges may pass the 64 KiB a client's metadata may hold.
    const metadata = {
      erased,
      count,
      reason: record.reason,
      selector: record.selector,
      request_ref: record.requestRef,
    }
    events.push({ ...normalized.event, metadata: JSON.stringify(metadata) })
  }
  return events
}
