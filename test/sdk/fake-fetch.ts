import type { FetchLike } from 'agenttrail'

/** One request the SDK made, as the fake network saw it. */
export interface SeenRequest {
  url: string
  method: string
  headers: Record<string, string>
  body: any
  signal: AbortSignal | undefined
}

export type Answer = Response | Error | Promise<Response | Error>

/**
 * A scripted network for tests that drive the SDK with fake timers (a real socket does not mix
 * with a frozen clock): `answer(request, n)` returns the Response, or an Error to throw as fetch
 * would on a network failure. Everything the SDK sent is kept in `requests`.
 */
export function fakeFetch(answer: (request: SeenRequest, n: number) => Answer = () => created()) {
  const requests: SeenRequest[] = []
  const fetch: FetchLike = async (url, init) => {
    const request: SeenRequest = {
      url,
      method: init.method,
      headers: init.headers,
      body: init.body === undefined ? undefined : JSON.parse(init.body),
      signal: init.signal,
    }
    requests.push(request)
    const result = await answer(request, requests.length)
    if (result instanceof Error) throw result
    return result
  }
  /** Ids of every event sent, in order, batches flattened. */
  const ids = () => requests.flatMap((r) => (r.body?.events ?? []).map((e: { id: string }) => e.id))
  return { fetch, requests, ids }
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  })

/** The server's 201 for a batch: every event accepted. */
export const created = () => json(201, { accepted: [], errors: [] })

/** A request that never answers until the SDK aborts it, as a stalled server. */
export const stalled = (request: SeenRequest): Promise<Error> =>
  new Promise((resolve) =>
    request.signal?.addEventListener('abort', () =>
      resolve(new Error('This operation was aborted')),
    ),
  )

/** A network failure as undici reports it. */
export const refused = () =>
  Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } })

export const KEY = 'at_test_key_0123456789'
