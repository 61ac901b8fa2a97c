/** How the application's read of a stream ended. */
export type StreamEnd =
  { how: 'completed' } | { how: 'failed'; error: unknown } | { how: 'canceled' }

export interface StreamObserver {
  /** Each item, before the application sees it. */
  onItem(item: unknown): void
  /** Once: the stream was read to its end, failed, or the application stopped reading (`break`, `return()`). */
  onEnd(end: StreamEnd): void
  /** What `onItem` or `onEnd` threw: it is kept from the application, which reads on. */
  onError?(error: unknown): void
}

type AnyIterator = {
  next(...args: unknown[]): Promise<IteratorResult<unknown>>
  return?(value?: unknown): Promise<IteratorResult<unknown>>
  throw?(error?: unknown): Promise<IteratorResult<unknown>>
}

/**
 * Watches the application's read of a provider's stream without changing what it reads: the same
 * object goes back to the application, its iteration instrumented on the instance, as the
 * Anthropic SDK's own tracing does. Two shapes are handled:
 * - an async iterator (an async generator, as `@google/genai` returns): its `next`, `return` and
 *   `throw` are wrapped in place, so `for await` and direct `next()` calls are both seen;
 * - an async iterable whose reads all go through `[Symbol.asyncIterator]` (the Stainless `Stream` of
 *   the Anthropic and OpenAI libraries, whose `tee()` and `toReadableStream()` use it too): the first
 *   iterator it makes is watched; the library refuses a second read of a consumed stream anyway.
 * What the observer throws goes to its `onError`, never to the application's read.
 */
export function observeStream<S extends object>(stream: S, observer: StreamObserver): S {
  let ended = false
  const end = (how: StreamEnd) => {
    if (ended) return
    ended = true
    quietly(observer, () => observer.onEnd(how))
  }
  const item = (value: unknown) => {
    if (!ended) quietly(observer, () => observer.onItem(value))
  }
  const target = stream as unknown as AnyIterator & { [Symbol.asyncIterator]?: () => AnyIterator }
  if (typeof target.next === 'function') {
    watch(target, target, item, end)
    return stream
  }
  const iterate = target[Symbol.asyncIterator]
  if (typeof iterate !== 'function') return stream
  let watched = false
  target[Symbol.asyncIterator] = function (this: unknown) {
    const source = iterate.call(this)
    if (watched) return source
    watched = true
    const iterator = { [Symbol.asyncIterator]: () => iterator } as unknown as AnyIterator
    watch(source, iterator, item, end)
    return iterator
  }
  return stream
}

/** Defines `next`/`return`/`throw` on `into`, calling those of `source` (read before they are replaced). */
function watch(
  source: AnyIterator,
  into: AnyIterator,
  item: (value: unknown) => void,
  end: (how: StreamEnd) => void,
): void {
  const { next, return: ret, throw: thr } = source
  into.next = async (...args: unknown[]) => {
    let result: IteratorResult<unknown>
    try {
      result = await next.apply(source, args)
    } catch (error) {
      end({ how: 'failed', error })
      throw error
    }
    if (result.done) end({ how: 'completed' })
    else item(result.value)
    return result
  }
  if (ret)
    into.return = async (value?: unknown) => {
      try {
        return await ret.call(source, value)
      } finally {
        end({ how: 'canceled' })
      }
    }
  if (thr)
    into.throw = async (error?: unknown) => {
      try {
        return await thr.call(source, error)
      } catch (thrown) {
        end({ how: 'failed', error: thrown })
        throw thrown
      }
    }
}

/** Something `for await` can read: a stream or an async generator (a parsed Message or response is not). */
export function isAsyncIterable(value: unknown): value is object {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function'
  )
}

function quietly(observer: StreamObserver, fn: () => void): void {
  try {
    fn()
  } catch (error) {
    try {
      observer.onError?.(error)
    } catch {
      // Nowhere better to go.
    }
  }
}
