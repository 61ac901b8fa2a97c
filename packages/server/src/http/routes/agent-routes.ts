import { z } from 'zod'
import { LIMITS } from '@agenttrail/protocol'
import { AppError } from '../../app-error.js'
import type { Store } from '../../store/store.js'
import { ErrorBodySchema } from '../openapi.js'
import { parseQuery } from '../route-spec.js'
import type { Router } from '../router.js'

const AgentSchema = z
  .object({
    name: z.string(),
    environment: z.string(),
    status: z.enum(['active', 'paused', 'killed']),
    first_seen: z.string(),
    last_seen: z.string(),
    events: z.number(),
    errors: z.number(),
    tokens_total: z.number(),
    cost_usd: z.number(),
  })
  .meta({ id: 'Agent' })

const Query = z.object({ environment: z.string().min(1).max(LIMITS.shortString).optional() })

export function agentRoutes(router: Router, store: Store): void {
  router.add(
    {
      method: 'get',
      path: '/api/v1/agents',
      tag: 'agents',
      scope: 'read',
      summary: 'Every agent seen, per environment, with counts, cost and last activity',
      query: Query,
      responses: {
        200: { description: 'Agents, most recently active first', schema: z.object({ agents: z.array(AgentSchema) }) },
        400: { description: 'A bad parameter', schema: ErrorBodySchema },
      },
    },
    async (c) => {
      const { environment } = parseQuery(Query, c)
      return c.json({ agents: await store.events.agents(c.get('apiKey').org_id, { environment }) })
    },
  )
  router.add(
    {
      method: 'get',
      path: '/api/v1/agents/{name}',
      tag: 'agents',
      scope: 'read',
      summary: 'One agent, in each environment it was seen in (or the one named)',
      params: z.object({ name: z.string() }),
      query: Query,
      responses: {
        200: { description: 'The agent', schema: z.object({ name: z.string(), environments: z.array(AgentSchema) }) },
        404: { description: 'Never seen in this org', schema: ErrorBodySchema },
      },
    },
    async (c) => {
      const { environment } = parseQuery(Query, c)
      const name = c.req.param('name') ?? ''
      const rows = await store.events.agents(c.get('apiKey').org_id, { environment, name })
      if (rows.length === 0) throw new AppError('not_found', 'no agent with this name has been seen in your org')
      return c.json({ name, environments: rows })
    },
  )
}
