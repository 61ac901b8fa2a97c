/** What `verifyExport` found wrong: `error` fails the export, `warning` leaves it intact. */
export type ProblemSeverity = 'error' | 'warning'

/** One finding, with where it is: an event's seq or a checkpoint's tree size. */
export interface VerifyProblem {
  code: VerifyProblemCode
  severity: ProblemSeverity
  seq?: number
  tree_size?: number
  message: string
}

/**
 * The problem codes (docs/integrity.md, "Verification"). Errors mean the export is not what the
 * log signed; warnings mean it is, but something limits what that proves.
 */
export const VERIFY_PROBLEM_CODES = {
  bad_line: 'error',
  bad_header: 'error',
  bad_key: 'error',
  missing_end: 'error',
  count_mismatch: 'error',
  event_missing: 'error',
  event_duplicate: 'error',
  events_out_of_order: 'error',
  event_edited: 'error',
  erased_leaf_invalid: 'error',
  erased_without_tombstone: 'error',
  tombstone_not_covering: 'error',
  bad_checkpoint: 'error',
  signature_invalid: 'error',
  unknown_key: 'error',
  key_not_valid: 'error',
  root_mismatch: 'error',
  consistency_invalid: 'error',
  checkpoint_replayed: 'error',
  log_rolled_back: 'error',
  truncated_tail: 'error',
  pinned_checkpoint_invalid: 'error',
  pinned_checkpoint_inconsistent: 'error',
  no_checkpoint: 'error',
  keys_not_pinned: 'warning',
  checkpoint_without_time: 'error',
  heartbeat_gap: 'warning',
  unanchored_tail: 'error',
} as const satisfies Record<string, ProblemSeverity>

export type VerifyProblemCode = keyof typeof VERIFY_PROBLEM_CODES

/** The events one tombstone erased, and which of their fields the leaves still commit to. */
export interface VerifyErasure {
  tombstone_seq: number
  events: number
  fields: string[]
}

/** The result of verifying one export. */
export interface VerifyReport {
  ok: boolean
  /** `intact`: no problem; `warnings`: intact, with warnings; `failed`: at least one error. */
  status: 'intact' | 'warnings' | 'failed'
  origin: string | null
  org_id: string | null
  /** Entry lines read (live and erased). */
  entries: number
  erased: number
  /** Checkpoint lines read. */
  checkpoints: number
  /** The largest checkpoint whose signature and root both verified (0 when none did). */
  verified_size: number
  erasures: VerifyErasure[]
  problems: VerifyProblem[]
  /** Problems found beyond the first `maxProblems` (counted, not listed). */
  problems_omitted: number
  elapsed_ms: number
}

/** Collects problems, keeping at most `limit` and counting the rest. */
export class ProblemList {
  readonly items: VerifyProblem[] = []
  omitted = 0
  errors = 0
  warnings = 0

  constructor(private readonly limit: number) {}

  add(code: VerifyProblemCode, message: string, at: { seq?: number; tree_size?: number } = {}) {
    const severity = VERIFY_PROBLEM_CODES[code]
    if (severity === 'error') this.errors++
    else this.warnings++
    if (this.items.length >= this.limit) {
      this.omitted++
      return
    }
    this.items.push({ code, severity, ...at, message })
  }
}
