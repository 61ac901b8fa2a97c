import type { Context } from 'hono'
import type { ErrorBody } from '@agenttrail/protocol'
import { AppError } from '../app-error.js'
import type { Logger } from '../log.js'
import { errorFields } from '../log.js'
import type { ErrorRenderer } from './surface.js'

/** The native error body: `{ error, code, details? }`. */
export const renderNativeError: ErrorRenderer = (error, c) => {
  const body: ErrorBody = {
    error: error.message,
    code: error.code,
    ...(error.details ? { details: error.details } : {}),
  }
  return c.json(body, error.status as 400)
}

/**
 * The one place errors become responses, in the shape of the surface the route belongs to.
 * Unknown errors are logged and answered without internals.
 */
export function createErrorHandler(
  logger: Logger,
  renderers: Partial<Record<string, ErrorRenderer>> = {},
) {
  return (error: Error, c: Context): Response => {
    const surface = (c.get('surface') as string | undefined) ?? 'native'
    const render = renderers[surface] ?? renderNativeError
    if (error instanceof AppError) {
      // Refusals that clear with time (rate limits) say when to retry, whatever the surface's body shape.
      if (typeof error.data?.retryAfter === 'number')
        c.header('Retry-After', String(error.data.retryAfter))
      return render(error, c)
    }
    logger.error('unhandled error', {
      request_id: c.get('requestId'),
      path: c.req.path,
      ...errorFields(error),
    })
    const requestId = c.get('requestId') as string | undefined
    const internal = new AppError(
      'internal',
      `internal error; the server log has the details under request id ${requestId ?? '-'}`,
    )
    if (render !== renderNativeError) return render(internal, c)
    const body: ErrorBody & { request_id?: string } = {
      error: internal.message,
      code: 'internal',
      request_id: requestId,
    }
    return c.json(body, 500)
  }
}
