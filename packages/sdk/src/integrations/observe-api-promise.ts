import type { TrailEvent } from '../trail-event.js'
import { isThenable } from './provider-call.js'
import type { ProviderCall } from './provider-call.js'

/** What the Stainless-generated clients (openai, @anthropic-ai/sdk) hand a transform with the data. */
export type ResponseProps = {
  response?: { headers?: unknown }
  controller?: { signal?: { aborted?: boolean } }
}

type ApiPromiseLike = {
  _thenUnwrap(transform: (data: unknown, props: ResponseProps) => unknown): unknown
  _responseProps?(): Promise<unknown>
  responsePromise?: Promise<unknown>
}

/**
 * Records a provider call's outcome without changing what the caller gets back. The libraries'
 * APIPromise parses the body only when asked (`await`, `.withResponse()`); `.asResponse()` hands over
 * the raw body unread. `_thenUnwrap` gives a promise of the same kind whose transform runs only on
 * that parse, so recording never reads the body itself; failures (after the library's retries)
 * reject the raw response promise, seen here. Any other thenable or plain value is observed as is.
 */
export function observeApiPromise<R>(
  recorder: ProviderCall,
  pending: R,
  settle: (data: unknown, props: ResponseProps | undefined) => void,
  errorFields: (error: unknown) => TrailEvent,
): R {
  const api = pending as unknown as ApiPromiseLike
  if (typeof api?._thenUnwrap === 'function') {
    const raw =
      typeof api._responseProps === 'function' ? api._responseProps() : api.responsePromise
    void raw?.then(undefined, (error: unknown) => recorder.failure(error, () => errorFields(error)))
    return api._thenUnwrap((data, props) => {
      settle(data, props)
      return data
    }) as R
  }
  if (isThenable(pending))
    return pending.then(
      (data) => (settle(data, undefined), data),
      (error: unknown) => {
        recorder.failure(error, () => errorFields(error))
        throw error
      },
    ) as R
  settle(pending, undefined)
  return pending
}
