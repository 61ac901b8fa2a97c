import type { AgentTrail } from '../../agent-trail.js'
import type { TrailEvent } from '../../trail-event.js'

/**
 * What an integration that only records needs of the client: `fire()`, and somewhere to report its
 * own failures. An `AgentTrail` (or `AgentLedger`, the same class) is one.
 */
export interface TrailSink {
  fire(event: TrailEvent): void
  reportError?(error: unknown): void
}

/** What an integration that may be refused (AgentLedger's check, then record) needs: `track()`. */
export type TrackingClient = Pick<AgentTrail, 'track'>

/**
 * Runs the recording part of an integration. What it throws goes to the client's error handler:
 * the library being instrumented must never see an exception that recording caused.
 */
export function safely(sink: TrailSink, record: () => void): void {
  try {
    record()
  } catch (error) {
    try {
      sink.reportError?.(error)
    } catch {
      // Nowhere better to go.
    }
  }
}

/** An error as the event's `error` field: name and message, never the stack or the cause. */
export function errorField(error: unknown): TrailEvent['error'] {
  if (error instanceof Error) return { name: error.name, message: error.message }
  if (
    error !== null &&
    typeof error === 'object' &&
    typeof (error as { message?: unknown }).message === 'string'
  )
    return { message: (error as { message: string }).message }
  return { message: String(error) }
}
