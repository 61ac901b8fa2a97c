import type { DropReason } from './agent-trail-options.js'
import { AgentTrailError, toError } from './errors.js'

const CONSOLE_EVERY_MS = 10_000

/**
 * Where the SDK's swallowed failures go, like OpenTelemetry's replaceable global error handler:
 * `onError` and `onDrop` when given, else one console.warn line per kind every 10 s (unless
 * `silent`). A handler that throws is ignored: reporting must never throw into the host.
 */
export class Reporter {
  private readonly lastWarned = new Map<string, number>()

  constructor(
    private readonly handlers: {
      onError?: ((error: Error) => void) | undefined
      onDrop?: ((count: number, reason: DropReason) => void) | undefined
      silent: boolean
    },
  ) {}

  error(error: unknown): void {
    const err = toError(error)
    if (this.handlers.onError) return safely(() => this.handlers.onError?.(err))
    this.warn(`error:${(err as AgentTrailError).code ?? err.name}`, err.message)
  }

  /** Events lost: `onDrop(count, reason)` and `onError(cause)`, or one error saying both. */
  drop(count: number, reason: DropReason, cause?: unknown): void {
    if (count <= 0) return
    if (this.handlers.onDrop) {
      safely(() => this.handlers.onDrop?.(count, reason))
      if (cause !== undefined) this.error(cause)
      return
    }
    const because = cause === undefined ? '' : `: ${toError(cause).message}`
    const error = new AgentTrailError(
      `AgentTrail: dropped ${count} event${count === 1 ? '' : 's'} (${reason})${because}`,
      {
        code: reason,
        cause,
        details: cause instanceof AgentTrailError ? cause.details : undefined,
      },
    )
    if (this.handlers.onError) return safely(() => this.handlers.onError?.(error))
    this.warn(`drop:${reason}`, error.message)
  }

  private warn(kind: string, message: string): void {
    if (this.handlers.silent) return
    const now = Date.now()
    if (now - (this.lastWarned.get(kind) ?? -Infinity) < CONSOLE_EVERY_MS) return
    this.lastWarned.set(kind, now)
    safely(() => console.warn(`[agenttrail] ${message}`))
  }
}

function safely(report: () => void): void {
  try {
    report()
  } catch {
    // A failing error handler has nowhere better to go.
  }
}
