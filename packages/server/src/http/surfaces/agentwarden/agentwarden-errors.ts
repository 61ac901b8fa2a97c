import { z } from 'zod'
import type { ErrorRenderer } from '../../surface.js'

/** AgentWarden's error body: `{"detail": ...}`, see `renderAgentWardenError`. */
export const AgentWardenErrorSchema = z
  .object({ detail: z.unknown() })
  .meta({ id: 'AgentWardenError' })

/** Where AgentWarden sends a client to change plans (shared/reference/002, "Exceeding Limits"). */
const UPGRADE_URL = '/settings?tab=plans'

/**
 * AgentWarden's error bodies: always `{"detail": ...}`, a string or, for field problems, an object
 * of per-field message lists. The documented ones are exact; the others keep the shape.
 */
export const renderAgentWardenError: ErrorRenderer = (error, c) => {
  const status = error.status as 400
  switch (error.code) {
    case 'unauthorized':
      return c.json({ detail: 'Invalid API key' }, 401)
    case 'agent_not_registered':
      return c.json({ detail: 'Agent not found' }, 404)
    case 'plan_limit_exceeded':
      return c.json(
        {
          detail: {
            error: 'plan_limit_exceeded',
            message: error.message,
            limit_type: error.data?.limit_type ?? 'logs',
            current_plan: error.data?.current_plan ?? null,
            upgrade_url: UPGRADE_URL,
          },
        },
        403,
      )
    case 'rate_limited':
      return c.json(
        {
          detail: `Rate limit exceeded. Retry after ${Number(error.data?.retryAfter ?? 1)} seconds.`,
        },
        429,
      )
    case 'internal':
      return c.json({ detail: 'Internal server error' }, 500)
    default:
      break
  }
  if (error.code === 'validation_failed' && error.details && error.details.length > 0) {
    const fields: Record<string, string[]> = {}
    for (const { path, message } of error.details) {
      // The pipeline names AgentWarden's agent_id `agent`.
      const field = path === 'agent' ? 'agent_id' : path || 'non_field_errors'
      ;(fields[field] ??= []).push(message)
    }
    return c.json({ detail: fields }, status)
  }
  return c.json({ detail: error.message }, status)
}
