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

/**
 * A failure inside a store: names the operation and the driver's error code (SQLSTATE on
 * PostgreSQL, `SQLITE_*` on SQLite), never the driver's text, which can quote a bound value
 * (`invalid input syntax for type bigint: "..."`, `no such column: ...`). The driver's error stays
 * the `cause`; the log keeps only its code and stack frames (`errorFields`).
 */
export class StoreError extends Error {
  /** The driver's error code; absent when the failure has none (then the message names its class). */
  readonly driverCode: string | undefined

  constructor(
    readonly operation: string,
    cause: unknown,
  ) {
    const code = errorCode(cause)
    super(`store operation ${operation} failed (${code ?? errorClass(cause)})`, { cause })
    this.name = 'StoreError'
    this.driverCode = code
  }
}

/** A driver's error code: a short word such as `22P02` or `SQLITE_CONSTRAINT_UNIQUE`. */
function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code
  return typeof code === 'string' && /^[A-Za-z0-9_]{1,64}$/.test(code) ? code : undefined
}

function errorClass(error: unknown): string {
  return error instanceof Error ? error.name : typeof error
}
