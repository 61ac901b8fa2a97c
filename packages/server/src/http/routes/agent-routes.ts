import { z } from 'zod'
import { LIMITS, agentGuid } from '@agenttrail/protocol'
import { AppError } from '../../app-error.js'
import { agentLedgerAgent } from '../surfaces/agentledger/agentledger-agent.js'
import type { Store } from '../../store/store.js'
import { ErrorBodySchema } from '../openapi.js'
import type { Router } from '../router.js'

const AgentSchema = z
  .object({
    name: z.string(),
    guid: z
      .string()
      .describe('Stable id of the agent in this environment (the Wiro `useragentguid`).'),
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
        200: {
          description: 'Agents, most recently active first',
          schema: z.object({ agents: z.array(AgentSchema) }),
        },
        400: { description: 'A bad parameter', schema: ErrorBodySchema },
      },
    },
    async (c, { query: { environment }, key }) => {
      const orgId = key.org_id
      return c.json({ agents: withGuid(orgId, await store.events.agents(orgId, { environment })) })
    },
  )
  router.add(
    {
      method: 'get',
      path: '/api/v1/agents/{name}',
      tag: 'agents',
      scope: 'read',
      summary: 'One agent, in each environment it was seen in (or the one named)',
      description:
        'Also carries AgentLedger’s agent fields: `status` (of the named environment, else production, else the most recent), `totalActions`, `totalCostCents`, `todayActions`, `todayCostCents` (since UTC midnight) and `recentActions` (the last 10, as AgentLedger action rows).',
      params: z.object({ name: z.string() }),
      query: Query,
      responses: {
        200: {
          description: 'The agent',
          schema: z.object({
            name: z.string(),
            environments: z.array(AgentSchema),
            status: z.enum(['active', 'paused', 'killed']),
            totalActions: z.number(),
            totalCostCents: z.number(),
            todayActions: z.number(),
            todayCostCents: z.number(),
            recentActions: z.array(z.unknown()),
          }),
        },
        404: { description: 'Never seen in this org', schema: ErrorBodySchema },
      },
    },
    async (c, { params: { name }, query: { environment }, key }) => {
      const rows = await store.events.agents(key.org_id, { environment, name })
      if (rows.length === 0) throw new AppError('not_found', 'Agent not found')
      return c.json({
        name,
        environments: withGuid(key.org_id, rows),
        ...(await agentLedgerAgent(store, key.org_id, name, environment, rows)),
      })
    },
  )
}

/** Agent rows with their guid (derived from org, environment and name; see agentGuid). */
function withGuid<T extends { name: string; environment: string }>(
  orgId: string,
  rows: T[],
): Array<T & { guid: string }> {
  return rows.map((row) => ({ ...row, guid: agentGuid(orgId, row.environment, row.name) }))
}
