import { z } from 'zod'
import { LIMITS, agentGuid } from '@agenttrail/protocol'
import type { Store } from '../../store/store.js'
import { ErrorBodySchema } from '../openapi.js'
import type { Router } from '../router.js'

const name = (what: string) =>
  z
    .string()
    .min(1, `${what} must not be empty`)
    .max(LIMITS.shortString, `${what} must be at most ${LIMITS.shortString} characters`)

const RegisterSchema = z
  .strictObject({
    name: name('name').describe(
      'The agent name events carry in `agent` (AgentWarden: `agent_id`).',
    ),
    environment: name('environment').default('production').describe('Default `production`.'),
  })
  .meta({ id: 'AgentRegistration' })

const RegisteredSchema = z.object({
  name: z.string(),
  guid: z.string(),
  environment: z.string(),
  status: z.enum(['active', 'paused', 'killed']),
  first_seen: z.string().describe('The registration time until the agent logs something earlier.'),
  last_seen: z.string(),
  events: z.number(),
  errors: z.number(),
  tokens_total: z.number(),
  cost_usd: z.number(),
})

/** `POST /api/v1/agents`: registers an agent, for orgs whose settings require registered agents. */
export function agentRegistrationRoutes(router: Router, store: Store): void {
  router.add(
    {
      method: 'post',
      path: '/api/v1/agents',
      tag: 'agents',
      scope: 'control',
      summary: 'Register an agent',
      description:
        'Adds the agent to the org’s agent list (zero counts), so that an org with `require_registered_agents` accepts its events. Idempotent: registering an agent again, or one that has logged before, answers 200. Needs the control or admin scope.',
      body: RegisterSchema,
      bodyBytes: 64 * 1024,
      responses: {
        201: { description: 'Registered', schema: RegisteredSchema },
        200: { description: 'Already registered or seen', schema: RegisteredSchema },
        400: { description: 'A missing or bad field', schema: ErrorBodySchema },
      },
    },
    async (c, { body, key }) => {
      const orgId = key.org_id
      const created = await store.orgs.registerAgent(orgId, body.environment, body.name)
      const [agent] = await store.events.agents(orgId, {
        environment: body.environment,
        name: body.name,
      })
      return c.json(
        { ...agent, guid: agentGuid(orgId, body.environment, body.name) },
        created ? 201 : 200,
      )
    },
  )
}
