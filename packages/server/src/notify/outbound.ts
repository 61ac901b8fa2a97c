import { lookup as dnsLookup } from 'node:dns'
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { isIP } from 'node:net'
import {
  blockedReason,
  checkOutboundUrl,
  normalHost,
  parseOutboundAllow,
} from './outbound-address.js'
import { guardedLookup, RefusedAddress, type LookupFunction } from './guarded-lookup.js'
import type { OutboundAllow } from './outbound-address.js'
import type { Outbound, OutboundRequest, OutboundResult } from './outbound-types.js'

export interface OutboundOptions {
  /** Exceptions to the refused ranges (`parseOutboundAllow(config.outboundAllow)`). */
  allow: OutboundAllow
  /** The whole request, connect and answer. Default 15,000 ms; a request may set its own. */
  timeoutMs?: number
  /** Resolves host names, once per request. Default `node:dns` `lookup`; a seam for tests. */
  lookup?: LookupFunction
  /** Sent unless the request sets its own. Default `AgentTrail-Webhook`. */
  userAgent?: string
}

/** Most bytes of an answer read; the rest is not waited for. */
const MAX_READ_BYTES = 64 * 1024
/** Characters of the answer kept in `responseBody`. */
const KEPT_CHARS = 1000

/**
 * The publish stage's one way out: POSTs that never reach a refused address (see
 * `outbound-address.ts`). A host name is resolved once, by a lookup that drops refused addresses,
 * and the connection goes to an address that lookup returned, so a second answer (DNS rebinding)
 * cannot slip in between check and connect. Redirects are not followed.
 */
function createOutbound(options: OutboundOptions): Outbound {
  const opts = {
    timeoutMs: 15_000,
    lookup: dnsLookup as LookupFunction,
    userAgent: 'AgentTrail-Webhook',
    ...options,
  }
  return {
    post: (request) => post(opts, request),
  }
}

function post(opts: Required<OutboundOptions>, request: OutboundRequest): Promise<OutboundResult> {
  const started = performance.now()
  const timeoutMs = request.timeoutMs ?? opts.timeoutMs
  const done = (
    result: Omit<OutboundResult, 'durationMs' | 'responseBody'> & { responseBody?: string },
  ) => ({
    responseBody: '',
    ...result,
    durationMs: Math.round(performance.now() - started),
  })
  const invalid = checkOutboundUrl(request.url)
  if (invalid !== undefined)
    return Promise.resolve(
      done({ ok: false, status: null, error: `invalid_url: ${invalid}`, permanent: true }),
    )
  const url = new URL(request.url)
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1')
  // Only scheme, host and port ever reach a message: paths and queries of webhook URLs are secrets.
  const origin = `${url.protocol}//${url.host}${url.port === '' ? `:${url.protocol === 'https:' ? 443 : 80}` : ''}`
  const trusted = opts.allow.hosts.has(normalHost(host))
  if (!trusted && isIP(host) !== 0) {
    // Node does not call `lookup` for an IP literal, so it is checked here.
    const reason = blockedReason(host, opts.allow)
    if (reason !== undefined)
      return Promise.resolve(
        done({ ok: false, status: null, error: `blocked_address: ${reason}`, permanent: true }),
      )
  }
  const lookup = guardedLookup(opts.lookup, opts.allow, trusted)

  return new Promise((resolve) => {
    let settled = false
    const finish = (result: Parameters<typeof done>[0]) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      req.destroy()
      resolve(done(result))
    }
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest
    let req: ClientRequest
    try {
      req = send(url, {
        method: 'POST',
        headers: {
          'User-Agent': opts.userAgent,
          ...request.headers,
          'Content-Length': String(Buffer.byteLength(request.body)),
        },
        lookup,
        // A fresh connection per request: every request resolves and checks its own address.
        agent: false,
      })
    } catch (error) {
      // Node refuses a header name or value it cannot send (a line break, say) before connecting.
      const code = (error as NodeJS.ErrnoException).code ?? 'error'
      settled = true
      return resolve(
        done({
          ok: false,
          status: null,
          error: `invalid_request: a header cannot be sent (${code})`,
          permanent: true,
        }),
      )
    }
    const timer = setTimeout(
      () =>
        finish({
          ok: false,
          status: null,
          error: `timeout: no answer from ${origin} within ${timeoutMs} ms`,
        }),
      timeoutMs,
    )
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error instanceof RefusedAddress)
        finish({
          ok: false,
          status: null,
          error: `blocked_address: ${error.message}`,
          permanent: true,
        })
      else if (
        error.code === 'ENOTFOUND' ||
        error.code?.startsWith('EAI_') ||
        error.syscall === 'getaddrinfo'
      )
        finish({
          ok: false,
          status: null,
          error: `dns: ${host} could not be resolved (${error.code ?? 'error'})`,
        })
      else
        finish({
          ok: false,
          status: null,
          error: `connect: no answer from ${origin} (${error.code ?? 'error'})`,
        })
    })
    req.on('response', (res) =>
      readAnswer(res, origin, finish, Math.min(request.maxBodyChars ?? KEPT_CHARS, MAX_READ_BYTES)),
    )
    req.end(request.body)
  })
}

type Finish = (result: Omit<OutboundResult, 'durationMs'>) => void

/** Reads at most 64 KB of the answer, then settles; the first `kept` characters are kept. */
function readAnswer(res: IncomingMessage, origin: string, finish: Finish, kept: number): void {
  const status = res.statusCode ?? 0
  const chunks: Buffer[] = []
  let read = 0
  const settle = (error?: string) => {
    const responseBody = Buffer.concat(chunks).toString('utf8').slice(0, kept)
    const retryAfterMs = parseRetryAfter(res.headers['retry-after'], Date.now())
    const redirect = status >= 300 && status < 400
    finish({
      ok: status >= 200 && status < 300 && error === undefined,
      status,
      responseBody,
      ...(retryAfterMs !== undefined && { retryAfterMs }),
      ...(redirect && {
        error: `redirect: ${origin} answered ${status}; redirects are not followed`,
      }),
      ...(error !== undefined && { error }),
    })
  }
  res.on('data', (chunk: Buffer) => {
    const room = MAX_READ_BYTES - read
    chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk)
    read += Math.min(chunk.length, room)
    if (read >= MAX_READ_BYTES) settle()
  })
  res.on('end', () => settle())
  res.on('error', (error: NodeJS.ErrnoException) =>
    settle(`connect: the answer from ${origin} was cut off (${error.code ?? 'error'})`),
  )
}

/**
 * `Retry-After` (RFC 9110 §10.2.3) in ms from `nowMs`: delay-seconds or an HTTP date (a past date
 * is 0). Undefined when absent or unreadable.
 */
function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  const text = value?.trim()
  if (!text) return undefined
  if (/^\d+$/.test(text)) return Number(text) * 1000
  // Date.parse reads almost anything ('1.5' is a day in 2001): an HTTP date starts with a weekday.
  if (!/^(mon|tue|wed|thu|fri|sat|sun)/i.test(text)) return undefined
  const at = Date.parse(text)
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs)
}

export { blockedReason, checkOutboundUrl, createOutbound, parseOutboundAllow, parseRetryAfter }
export type { LookupFunction, OutboundAllow }
