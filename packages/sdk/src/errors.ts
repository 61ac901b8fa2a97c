/** What went wrong on a problem of the server's making, without any event payload. */
export interface ErrorDetail {
  path: string
  message: string
  /** For a batch: the position of the rejected event in the request. */
  index?: number
}

export interface AgentTrailErrorInit {
  /** HTTP status, when the server answered. */
  status?: number
  /** The server's error code (`validation_failed`, `rate_limited`...), or `network`, `timeout`, `aborted`. */
  code?: string
  details?: ErrorDetail[]
  /** Worth another attempt: network errors, timeouts, 408, 429 and 5xx. */
  retryable?: boolean
  /** The server's `Retry-After`, in ms. */
  retryAfterMs?: number
  cause?: unknown
}

/** Every error the SDK reports or throws. Messages name the operation and the status, never payloads. */
export class AgentTrailError extends Error {
  readonly status: number | undefined
  readonly code: string | undefined
  readonly details: ErrorDetail[] | undefined
  readonly retryable: boolean
  readonly retryAfterMs: number | undefined

  constructor(message: string, init: AgentTrailErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause })
    this.name = 'AgentTrailError'
    this.status = init.status
    this.code = init.code
    this.details = init.details
    this.retryable = init.retryable ?? false
    this.retryAfterMs = init.retryAfterMs
  }
}

/**
 * Thrown by `track()` when a policy requires a person to approve the action first. Same name,
 * message and `approvalId` as AgentLedger's, so `err.name` checks keep working.
 */
export class ApprovalRequiredError extends Error {
  readonly approvalId: string

  constructor(approvalId: string, message?: string) {
    super(message ?? `Approval required (id: ${approvalId})`)
    this.name = 'ApprovalRequiredError'
    this.approvalId = approvalId
  }
}

/**
 * AgentLedger's wording, kept so code that matches on it (`err.message.startsWith(...)`) ports
 * unchanged: https://agentledger.co docs, "track() throws an error with this message".
 */
export const BLOCKED_PREFIX = 'AgentLedger: Action blocked'

/** Thrown by `track()` when the check says no: the agent is paused or killed, a budget or a policy. */
export class ActionBlockedError extends Error {
  /** The server's `blockReason`, or `budget exceeded` when it gave none (AgentLedger's default). */
  readonly reason: string

  constructor(reason: string | undefined) {
    const why = reason || 'budget exceeded'
    super(`${BLOCKED_PREFIX} - ${why}`)
    this.name = 'ActionBlockedError'
    this.reason = why
  }
}

/** Any thrown value as an Error, for handlers typed `(error: Error) => void`. */
export function toError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value))
}
