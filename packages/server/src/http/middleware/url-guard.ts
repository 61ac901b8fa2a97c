import type { MiddlewareHandler } from 'hono'
import { AppError } from '../../app-error.js'
import type { AppEnv } from '../app-env.js'

/**
 * Refuses a URL whose path or query holds a NUL character (`%00`) with a 400 in the route's own
 * error shape: no name, id or filter can hold one, and PostgreSQL refuses it in any text parameter.
 */
export const urlGuard: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (/%00/.test(c.req.url))
    throw new AppError('invalid_query', 'the URL holds a NUL character (%00); remove it')
  await next()
}
