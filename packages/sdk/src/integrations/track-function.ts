import type { TrackOptions } from '../track.js'
import type { TrackingClient } from './support/trail-sink.js'

/** AgentLedger's `{ agent, service, action }`, plus any other `track()` option. */
export interface TrackFunctionOptions extends Omit<TrackOptions, 'input' | 'output' | 'enrich'> {
  /** Record the arguments (as an array) as the event's input. Default false. */
  captureArgs?: boolean
}

/**
 * Wraps any function so each call goes through `track()`: checked first (unless `check: false`),
 * recorded after, with `metadata.source: 'tracked-function'`. The wrapper takes the same arguments
 * (names and types included) and the same `this`, and resolves to what the function returns; what
 * it throws, and a refusal, reject the call. Needs no framework.
 *
 * ```ts
 * const send = trackFunction(trail, { agent: 'my-bot', service: 'sendgrid', action: 'send_email' }, sendEmail)
 * await send(to, subject, body)
 * ```
 */
export function trackFunction<F extends (...args: any[]) => unknown>(
  client: TrackingClient,
  options: TrackFunctionOptions,
  fn: F,
): (this: ThisParameterType<F>, ...args: Parameters<F>) => Promise<Awaited<ReturnType<F>>> {
  const { captureArgs, ...trackOptions } = options
  return async function tracked(
    this: ThisParameterType<F>,
    ...args: Parameters<F>
  ): Promise<Awaited<ReturnType<F>>> {
    const { result } = await client.track(
      {
        ...trackOptions,
        metadata: { ...options.metadata, source: 'tracked-function' },
        input: captureArgs ? args : undefined,
      },
      () => fn.apply(this, args) as Awaited<ReturnType<F>>,
    )
    return result
  }
}
