import type { TrailEvent } from '../trail-event.js'
import { observeApiPromise } from './observe-api-promise.js'
import type { ResponseProps } from './observe-api-promise.js'
import {
  anthropicHeaderFields,
  anthropicRequestFields,
  anthropicResponseFields,
} from './anthropic-message.js'
import type { AnthropicMessage } from './anthropic-message.js'
import { AnthropicStreamMessage } from './anthropic-stream-message.js'
import { isAsyncIterable, observeStream } from './observe-stream.js'
import { overlay } from './overlay.js'
import {
  ProviderCall,
  errorFields,
  mergeFields,
  optionFields,
  streamCanceled,
} from './provider-call.js'
import type { EventSink, ProviderWrapOptions } from './provider-call.js'

export type { EventSink, ProviderWrapOptions }

/**
 * An Anthropic client whose `messages.create` is recorded, `stream: true` included, and with it
 * `messages.stream()` and `messages.parse()`, which call `create`. Each call fires one `llm_call`
 * event (provider `anthropic`) when it ends; a stream's when the application has read it to the end.
 * Everything else is the client itself; the client passed in is not changed.
 *
 * ```ts
 * const anthropic = wrapAnthropic(new Anthropic(), trail, { event: { agent: 'support-bot' } })
 * ```
 */
export function wrapAnthropic<C extends object>(
  client: C,
  trail: EventSink,
  options: ProviderWrapOptions = {},
): C {
  const messages = (client as { messages?: { create?: unknown } }).messages
  if (!messages || typeof messages.create !== 'function') return client
  const create = messages.create as (params: unknown, requestOptions?: unknown) => unknown
  const recordedCreate = (params: unknown, requestOptions?: unknown) =>
    recordAnthropicCall(trail, () => create.call(messages, params, requestOptions), {
      params,
      event: optionFields(options, params),
    })
  return overlay(client, { messages: overlay(messages, { create: recordedCreate }, false) }, true)
}

/**
 * Runs one Anthropic call and records it: `call` returns what `messages.create` returns (the
 * library's promise, which keeps `.withResponse()` and `.asResponse()`; or a stream). Returns what
 * the call returns, resolving to the same Message or Stream object; errors are rethrown unchanged.
 * `params` (the request) adds its messages, system prompt and settings; `event`, fields of your own.
 */
export function recordAnthropicCall<R>(
  trail: EventSink,
  call: () => R,
  options: { params?: unknown; event?: TrailEvent } = {},
): R {
  const recorder = new ProviderCall(
    trail,
    'anthropic',
    () => anthropicRequestFields(options.params),
    options.event,
  )
  let pending: R
  try {
    pending = call()
  } catch (error) {
    recorder.failure(error, () => anthropicErrorFields(error))
    throw error
  }
  return observeApiPromise(
    recorder,
    pending,
    (data, props) => settle(recorder, data, props),
    anthropicErrorFields,
  )
}

function settle(recorder: ProviderCall, data: unknown, props: ResponseProps | undefined): void {
  try {
    const headers = () => anthropicHeaderFields(props?.response?.headers)
    if (!isAsyncIterable(data))
      return recorder.success(() =>
        mergeFields(anthropicResponseFields(data as AnthropicMessage), headers()),
      )
    const message = new AnthropicStreamMessage()
    const partial = () => {
      const result = message.result()
      return mergeFields(result ? anthropicResponseFields(result) : {}, headers())
    }
    observeStream(data, {
      onItem: (event) => message.add(event as { type?: string }),
      onError: (error) => recorder.report(error),
      onEnd: (end) => {
        if (end.how === 'failed')
          recorder.failure(end.error, () => mergeFields(partial(), anthropicErrorFields(end.error)))
        // A stream read to its end without `message_stop` was cut short (an aborted request ends quietly).
        else if (end.how === 'completed' && message.stopped) recorder.success(partial)
        else recorder.failure(streamCanceled(), partial)
      },
    })
  } catch (error) {
    // The application gets its data whatever happens here.
    recorder.report(error)
  }
}

/** The library's APIError: status, the error body's `type`, the rate-limit headers and request id. */
function anthropicErrorFields(error: unknown): TrailEvent {
  const e = error as { headers?: unknown; error?: { error?: { type?: unknown } } } | undefined
  const fields = anthropicHeaderFields(e?.headers)
  const type = e?.error?.error?.type
  if (typeof type === 'string') fields.error = { ...errorFields(error), type }
  return fields
}
