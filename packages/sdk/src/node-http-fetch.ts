import type { FetchLike, FetchResponseLike } from './fetch-like.js'

// node:http, typed structurally so the SDK's types need no @types/node.
interface IncomingLike {
  statusCode?: number
  headers: Record<string, string | string[] | undefined>
  on(event: 'data', listener: (chunk: Uint8Array) => void): void
  on(event: 'end' | 'aborted', listener: () => void): void
  on(event: 'error', listener: (error: Error) => void): void
}
interface RequestLike {
  reusedSocket?: boolean
  on(event: 'error', listener: (error: Error) => void): void
  end(body?: string): void
  destroy(error?: Error): void
}
interface HttpModule {
  Agent: new (options: { keepAlive: boolean }) => unknown
  request(
    url: URL,
    options: { method: string; headers: Record<string, string>; agent: unknown },
    onResponse: (res: IncomingLike) => void,
  ): RequestLike
}
interface Transports {
  'http:': { module: HttpModule; agent: unknown }
  'https:': { module: HttpModule; agent: unknown }
}

let loading: Promise<Transports | undefined> | undefined

/**
 * node:http and node:https with one keep-alive agent each, loaded once, on first use. A runtime that
 * claims to be Node but cannot load them gets `undefined`, and the caller's fetch is used.
 */
function load(): Promise<Transports | undefined> {
  return (loading ??= (async () => {
    const http = (await import('node:http')) as unknown as HttpModule
    const https = (await import('node:https')) as unknown as HttpModule
    return {
      'http:': { module: http, agent: new http.Agent({ keepAlive: true }) },
      'https:': { module: https, agent: new https.Agent({ keepAlive: true }) },
    }
  })().catch(() => undefined))
}

/**
 * The SDK's request/response calls on Node, over node:http with keep-alive sockets instead of
 * `fetch`: on loopback a round trip costs about half as much (bench/sdk-bench.js), and `track()`
 * waits for one. Streams (`stream()`) keep using fetch. Undefined outside Node, where fetch is used.
 * Idle keep-alive sockets do not hold the process open (Node unrefs an agent's free sockets).
 */
export function nodeHttpFetch(fallback?: FetchLike): FetchLike | undefined {
  const node = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions
    ?.node
  if (!node) return undefined
  return async (url, init) => {
    const transports = await load()
    if (!transports && fallback) return fallback(url, init)
    const transport = transports?.[new URL(url).protocol as keyof Transports]
    if (!transport) throw new TypeError(`unsupported protocol in ${url}`)
    try {
      return await send(transport, url, init)
    } catch (error) {
      // A keep-alive socket the server (or a proxy) closed while idle fails on first use: once more, on a new one.
      if (
        (error as { reusedSocket?: boolean }).reusedSocket &&
        (error as { code?: string }).code === 'ECONNRESET'
      )
        return send(transport, url, init)
      throw error
    }
  }
}

function send(
  transport: { module: HttpModule; agent: unknown },
  url: string,
  init: Parameters<FetchLike>[1],
): Promise<FetchResponseLike> {
  const target = new URL(url)
  const signal = init.signal as
    { aborted?: boolean; addEventListener?(type: 'abort', fn: () => void): void } | undefined
  return new Promise<FetchResponseLike>((resolve, reject) => {
    const abortError = () =>
      Object.assign(new Error('This operation was aborted'), { name: 'AbortError' })
    if (signal?.aborted) return reject(abortError())
    const req = transport.module.request(
      target,
      { method: init.method, headers: init.headers, agent: transport.agent },
      (res) => {
        const chunks: Uint8Array[] = []
        res.on('data', (chunk) => chunks.push(chunk))
        res.on('error', reject)
        res.on('aborted', () => reject(abortError()))
        res.on('end', () => {
          const status = res.statusCode ?? 0
          const text = new TextDecoder().decode(concat(chunks))
          resolve({
            status,
            ok: status >= 200 && status < 300,
            headers: { get: (name) => headerValue(res.headers[name.toLowerCase()]) },
            text: async () => text,
          })
        })
      },
    )
    req.on('error', (error) =>
      reject(Object.assign(error, { reusedSocket: req.reusedSocket === true })),
    )
    signal?.addEventListener?.('abort', () => req.destroy(abortError()))
    req.end(init.body)
  })
}

function headerValue(value: string | string[] | undefined): string | null {
  if (value === undefined) return null
  return Array.isArray(value) ? value.join(', ') : value
}

function concat(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0))
  let at = 0
  for (const c of chunks) {
    out.set(c, at)
    at += c.length
  }
  return out
}
