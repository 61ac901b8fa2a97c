import { ERROR_CODES } from '@agenttrail/protocol'
import type { ErrorCode, FieldIssue } from '@agenttrail/protocol'

/**
 * The one error type that reaches the HTTP layer on purpose. It carries its status and code and is
 * turned into a response in exactly one place (`http/error-handler.ts`). Messages are for a person
 * and never contain stored values.
 */
export class AppError extends Error {
  readonly status: number
  /** Facts a surface's error body may need (`retryAfter`, usage numbers); never stored values. */
  data?: Record<string, unknown>

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: FieldIssue[],
    status?: number,
  ) {
    super(message)
    this.name = 'AppError'
    this.status = status ?? ERROR_CODES[code]
  }

  /** The same error carrying `data` for the surfaces' renderers. */
  with(data: Record<string, unknown>): this {
    this.data = { ...this.data, ...data }
    return this
  }
}

/** A failure inside a store: keeps the operation's name, never the bound values. */
export class StoreError extends Error {
  constructor(
    readonly operation: string,
    cause: unknown,
  ) {
    super(
      `store operation ${operation} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    )
    this.name = 'StoreError'
  }
}
