import type { ErrorRenderer } from '../../surface.js'

/** One item of Wiro's `errors` array. Code 0: general or validation; 1: not found or not accessible. */
export interface WiroErrorItem {
  code: number
  message: string
}

/** Wiro's message for a missing or unknown key (its error reference, "Authentication Errors"). */
export const WIRO_UNAUTHORIZED = 'Project authorization is not founded.'
/** Wiro's answer to a caller that may not see the agent; also for a guid no agent of the org has. */
export const WIRO_ACCESS_DENIED = 'useragent-access-denied'

/**
 * Wiro error bodies: `{ result: false, errors: [{ code, message }] }`, answered with HTTP 200 as
 * Wiro does, except a failed authentication (401) and a rate limit (429). A key without the route's
 * scope is a caller who may not see the agent. Validation problems are listed one item each.
 */
export const renderWiroError: ErrorRenderer = (error, c) => {
  if (error.code === 'unauthorized')
    return c.json({ result: false, errors: [{ code: 0, message: WIRO_UNAUTHORIZED }] }, 401)
  if (error.code === 'rate_limited')
    return c.json({ result: false, errors: [{ code: 0, message: error.message }] }, 429)
  if (error.code === 'forbidden')
    return c.json({ result: false, errors: [{ code: 1, message: WIRO_ACCESS_DENIED }] }, 200)
  const code = error.code === 'not_found' ? 1 : 0
  const errors: WiroErrorItem[] =
    error.details && error.details.length > 0
      ? error.details.map((d) => ({
          code,
          message: d.path ? `${d.path}: ${d.message}` : d.message,
        }))
      : [{ code, message: error.message }]
  return c.json({ result: false, errors }, 200)
}
