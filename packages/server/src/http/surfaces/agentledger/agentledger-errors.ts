import type { ErrorRenderer } from '../../surface.js'

/**
 * AgentLedger error bodies: `{ error: <message> }` plus the documented extras (`retryAfter` on
 * 429). The native `code` and `details` ride along; AgentLedger clients read `error` only.
 */
export const renderAgentLedgerError: ErrorRenderer = (error, c) => {
  const extra = error.details ? { details: error.details } : {}
  if (error.code === 'unauthorized') return c.json({ error: 'Invalid API key', code: error.code }, 401)
  if (error.code === 'rate_limited')
    return c.json({ error: 'Rate limit exceeded', retryAfter: Number(error.data?.retryAfter ?? 1), code: error.code }, 429)
  return c.json({ error: error.message, code: error.code, ...extra, ...error.data }, error.status as 400)
}
