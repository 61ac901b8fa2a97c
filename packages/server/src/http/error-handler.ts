import type { Context } from 'hono'
import type { ErrorBody } from '@agenttrail/protocol'
import { AppError } from '../app-error.js'
import type { Logger } from '../log.js'
import { errorFields } from '../log.js'

/** The one place errors become responses. Unknown errors are logged and answered without internals. */
export function createErrorHandler(logger: Logger) {
  return (error: Error, c: Context): Response => {
    if (error instanceof AppError) {
      const body: ErrorBody = { error: error.message, code: error.code, ...(error.details ? { details: error.details } : {}) }
      return c.json(body, error.status as 400)
    }
    logger.error('unhandled error', { request_id: c.get('requestId'), path: c.req.path, ...errorFields(error) })
    const body: ErrorBody & { request_id?: string } = {
      error: 'internal error; the server log has the details under this request id',
      code: 'internal',
      request_id: c.get('requestId'),
    }
    return c.json(body, 500)
  }
}
