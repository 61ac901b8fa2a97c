import type { ErrorRenderer } from '../../surface.js'

/**
 * AgentLedger error bodies: `{ error: <message> }` plus the documented extras (`retryAfter` on
 * 429, `usage` on the monthly limit). The native `code` and `details` ride along; AgentLedger clients
 * read `error` only.
 */
export const renderAgentLedgerError: ErrorRenderer = (error, c) => {
  const extra = error.details ? { details: error.details } : {}
  if (error.code === 'unauthorized')
    return c.json({ error: 'Invalid API key', code: error.code }, 401)
  if (error.code === 'rate_limited')
    return c.json(
      {
        error: 'Rate limit exceeded',
        retryAfter: Number(error.data?.retryAfter ?? 1),
        code: error.code,
      },
      429,
    )
  if (error.code === 'plan_limit_exceeded') {
    // AgentLedger answers its monthly action limit with 429 and the usage numbers.
    const used = Number(error.data?.used ?? 0)
    const limit = Number(error.data?.limit ?? 0)
    const usage = {
      actionsThisMonth: used,
      actionsLimit: limit,
      percentUsed: limit === 0 ? 100 : Math.round((used / limit) * 100),
    }
    return c.json(
      { error: `Monthly action limit reached (${used}/${limit})`, usage, code: error.code },
      429,
    )
  }
  return c.json(
    { error: error.message, code: error.code, ...extra, ...error.data },
    error.status as 400,
  )
}
