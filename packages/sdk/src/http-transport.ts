import { AgentTrailError } from './errors.js'
import type { ErrorDetail } from './errors.js'
import type { FetchLike } from './fetch-like.js'
import { parseRetryAfter } from './retry.js'

export interface HttpResponse {
  status: number
  ok: boolean
  /** The parsed JSON body, or undefined when there was none or it was not JSON. */
  json: any
  /** The body as text (a signed note is `text/plain`). */
  text: string
  retryAfterMs: number | undefined
}

export interface RequestOptions {
  body?: string
  signal?: AbortSignal
  /** Default: the client's `timeout`. */
  timeoutMs?: number
}

/**
 * Sends one request with the key, a JSON content type and a timeout that covers the body too.
 * Network failures and timeouts become retryable AgentTrailErrors; any HTTP answer is returned.
 * Headers follow AgentLedger's client: `Content-Type` and `Authorization` on every call, GETs included.
 */
export class HttpTransport {
  constructor(
    private readonly config: { baseUrl: string; apiKey: string; timeout: number; fetch: FetchLike },
  ) {}

  async request(method: string, path: string, options: RequestOptions = {}): Promise<HttpResponse> {
    const controller = new AbortController()
    const timeoutMs = options.timeoutMs ?? this.config.timeout
    let timedOut = false
    const timer = setTimeout(() => ((timedOut = true), controller.abort()), timeoutMs)
    ;(timer as { unref?: () => void }).unref?.()
    const external = options.signal
    const onAbort = () => controller.abort()
    if (external?.aborted) controller.abort()
    else external?.addEventListener('abort', onAbort, { once: true })
    const send = this.config.fetch
    try {
      const res = await send(`${this.config.baseUrl}${path}`, {
        method,
        headers: {
          'Content-Type': 'application/json',
          Authorization: `Bearer ${this.config.apiKey}`,
        },
        body: options.body,
        signal: controller.signal,
      })
      const text = await res.text()
      return {
        status: res.status,
        ok: res.ok,
        json: parseJson(text),
        text,
        retryAfterMs: parseRetryAfter(res.headers.get('retry-after')),
      }
    } catch (cause) {
      if (timedOut)
        throw new AgentTrailError(`AgentTrail: ${method} ${path} timed out after ${timeoutMs} ms`, {
          code: 'timeout',
          retryable: true,
          cause,
        })
      if (external?.aborted)
        throw new AgentTrailError(`AgentTrail: ${method} ${path} aborted`, {
          code: 'aborted',
          cause,
        })
      throw new AgentTrailError(`AgentTrail: ${method} ${path} failed: ${describe(cause)}`, {
        code: 'network',
        retryable: true,
        cause,
      })
    } finally {
      clearTimeout(timer)
      external?.removeEventListener('abort', onAbort)
    }
  }

  /**
   * Sends a GET whose body may be long (an export): the timeout covers the wait for the answer's
   * head only, and a 2xx body is handed over as it arrives. A non-2xx answer is read whole.
   */
  async stream(
    path: string,
    signal?: AbortSignal,
  ): Promise<HttpResponse & { chunks?: AsyncGenerator<Uint8Array> }> {
    const controller = new AbortController()
    const onAbort = () => controller.abort()
    if (signal?.aborted) controller.abort()
    else signal?.addEventListener('abort', onAbort, { once: true })
    const timer = setTimeout(() => controller.abort(), this.config.timeout)
    ;(timer as { unref?: () => void }).unref?.()
    let res: Awaited<ReturnType<FetchLike>>
    try {
      res = await this.config.fetch(`${this.config.baseUrl}${path}`, {
        method: 'GET',
        headers: { Authorization: `Bearer ${this.config.apiKey}` },
        signal: controller.signal,
      })
    } catch (cause) {
      signal?.removeEventListener('abort', onAbort)
      throw new AgentTrailError(`AgentTrail: GET ${path} failed: ${describe(cause)}`, {
        code: controller.signal.aborted && !signal?.aborted ? 'timeout' : 'network',
        retryable: true,
        cause,
      })
    } finally {
      clearTimeout(timer)
    }
    const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'))
    if (!res.ok || !res.body) {
      signal?.removeEventListener('abort', onAbort)
      const text = await res.text()
      return { status: res.status, ok: res.ok, json: parseJson(text), text, retryAfterMs }
    }
    const reader = res.body.getReader()
    async function* chunks(): AsyncGenerator<Uint8Array> {
      try {
        for (;;) {
          const { done, value } = await reader.read()
          if (done) return
          if (value) yield value
        }
      } finally {
        signal?.removeEventListener('abort', onAbort)
        await reader.cancel().catch(() => undefined)
      }
    }
    return {
      status: res.status,
      ok: true,
      json: undefined,
      text: '',
      retryAfterMs,
      chunks: chunks(),
    }
  }
}

/** An error for a non-2xx answer: `<what> (<status>)`, the server's code and details, retryable or not. */
export function httpError(what: string, res: HttpResponse): AgentTrailError {
  const body = res.json as { code?: unknown; details?: unknown } | undefined
  return new AgentTrailError(`${what} (${res.status})`, {
    status: res.status,
    code: typeof body?.code === 'string' ? body.code : undefined,
    details: Array.isArray(body?.details) ? (body.details as ErrorDetail[]) : undefined,
    retryable: isRetryableStatus(res.status),
    retryAfterMs: res.retryAfterMs,
  })
}

/** 408, 429 and 5xx may succeed later; other 4xx will not (bad event, bad key, forbidden). */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500
}

function parseJson(text: string): unknown {
  if (text === '') return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

// The cause's code (ECONNREFUSED...) tells an operator what happened without any payload.
function describe(cause: unknown): string {
  // fetch wraps the socket error (its code is on `cause`); node:http throws it directly.
  const inner = (cause as { cause?: { code?: unknown } })?.cause
  if (typeof inner?.code === 'string') return inner.code
  const own = (cause as { code?: unknown })?.code
  if (typeof own === 'string') return own
  return cause instanceof Error ? cause.message : String(cause)
}
