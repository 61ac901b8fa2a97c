import { request } from 'node:http'
import type { Outbound, OutboundResult } from '../../packages/server/src/notify/outbound-types.js'

/**
 * A test-only `Outbound` over node:http for receivers on loopback: no address guard, no redirects
 * followed, the answer reported the way the real sender reports it (status, the body's first 1,000
 * characters, `Retry-After` in ms). Errors name the failure, never the URL.
 */
export function loopbackOutbound(defaultTimeoutMs = 15_000): Outbound {
  return {
    post: ({ url, headers, body, timeoutMs }) =>
      new Promise<OutboundResult>((resolve) => {
        const started = Date.now()
        const limit = timeoutMs ?? defaultTimeoutMs
        const done = (r: Omit<OutboundResult, 'durationMs'>) =>
          resolve({ ...r, durationMs: Date.now() - started })
        const req = request(url, { method: 'POST', headers, timeout: limit }, (res) => {
          let text = ''
          res.setEncoding('utf8')
          res.on('data', (chunk: string) => (text += chunk))
          res.on('end', () => {
            const status = res.statusCode ?? 0
            const retryAfterMs = retryAfter(res.headers['retry-after'])
            done({
              ok: status >= 200 && status < 300,
              status,
              responseBody: text.slice(0, 1000),
              ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
            })
          })
        })
        req.on('timeout', () => req.destroy(new Error('timeout')))
        req.on('error', (err: NodeJS.ErrnoException) =>
          done({
            ok: false,
            status: null,
            responseBody: '',
            error:
              err.message === 'timeout'
                ? `timeout: no answer within ${limit} ms`
                : `connect: ${err.code ?? 'error'}`,
          }),
        )
        req.end(body)
      }),
  }
}

/** `Retry-After` as seconds or an HTTP date (RFC 9110 §10.2.3), in ms. */
function retryAfter(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  if (/^\d+$/.test(value)) return Number(value) * 1000
  const at = Date.parse(value)
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now())
}
