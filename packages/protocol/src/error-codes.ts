/**
 * Machine-readable error codes of the native API. Every error body is
 * `{ error: <message for a person>, code: <one of these>, details?: [...] }`; `error` is a string so
 * that clients of the AgentLedger API, which read `error` as a message, keep working.
 */
export const ERROR_CODES = {
  invalid_json: 400,
  invalid_body: 400,
  validation_failed: 400,
  invalid_cursor: 400,
  invalid_query: 400,
  invalid_destination: 400,
  smtp_not_configured: 400,
  // x402 paid logs (docs/x402.md): a payment header that cannot be read (400), no payment, one that
  // fails the local checks or was used before, one the facilitator did not settle (402).
  payment_malformed: 400,
  payment_required: 402,
  payment_invalid: 402,
  payment_failed: 402,
  unauthorized: 401,
  forbidden: 403,
  plan_limit_exceeded: 403,
  not_found: 404,
  // The integrity log (docs/integrity.md): the org has no signed checkpoint yet; a tree size or
  // an event that no signed checkpoint covers.
  no_checkpoint: 404,
  not_checkpointed: 404,
  agent_not_registered: 404,
  method_not_allowed: 405,
  conflict: 409,
  limit_reached: 409,
  agent_killed: 409,
  already_decided: 409,
  expired: 410,
  policy_violation: 403,
  self_revocation: 409,
  builtin_rule: 409,
  audit_event: 409,
  idempotency_key_reused: 422,
  idempotency_key_in_use: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  too_many_streams: 429,
  internal: 500,
  unavailable: 503,
  // The integrity log's export: an erasure's tombstone is not yet covered by a signed checkpoint.
  log_export_pending: 503,
  // PostgreSQL search: more events than a search matches directly wait for the index.
  search_index_behind: 503,
} as const

export type ErrorCode = keyof typeof ERROR_CODES

/** One problem with one field; `path` is dotted (`events.3.tokens_input`). */
export interface FieldIssue {
  path: string
  message: string
}

export interface ErrorBody {
  error: string
  code: ErrorCode
  details?: FieldIssue[]
}
