import type { MiddlewareHandler } from 'hono'
import { uuidv7 } from '@agenttrail/protocol'
import type { Logger } from '../../log.js'
import type { AppEnv } from '../app-env.js'

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/

/**
 * Gives each request an id (the caller's `X-Request-Id` when it is sane) and logs one line when it
 * ends: method, path without the query string (which may hold a key), status, duration, org, key id.
 */
export function requestLog(logger: Logger, inflight: { count: number }): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now()
    const given = c.req.header('x-request-id')
    const requestId = given && REQUEST_ID.test(given) ? given : uuidv7()
    c.set('requestId', requestId)
    inflight.count++
    try {
      await next()
    } finally {
      inflight.count--
      c.header('X-Request-Id', requestId)
      const key = c.get('apiKey') as { id: string; org_id: string } | undefined
      logger.info('request', {
        request_id: requestId,
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        duration_ms: Math.round((performance.now() - started) * 100) / 100,
        ...(key ? { org: key.org_id, key_id: key.id } : {}),
      })
    }
  }
}
