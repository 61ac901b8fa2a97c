import { z } from 'zod'
import { LIMITS } from '@agenttrail/protocol'
import { AppError } from '../../app-error.js'
import type { AgentStatus } from '../../store/control-store.js'
import type { Store } from '../../store/store.js'
import type { RouteSpec } from '../route-spec.js'
import type { Router } from '../router.js'
import { AgentLedgerErrorSchema } from '../surfaces/agentledger/action-schemas.js'
import { clientAddress } from '../ingest-request.js'

const VERBS = { pause: 'paused', resume: 'active', kill: 'killed' } as const satisfies Record<
  string,
  AgentStatus
>

const nameRule = `must be 1 to ${LIMITS.shortString} characters`
const ParamsSchema = z.object({
  name: z.string().min(1, nameRule).max(LIMITS.shortString, nameRule),
})
const QuerySchema = z.object({
  environment: z
    .string()
    .min(1, 'environment must not be empty')
    .max(LIMITS.shortString)
    .default('production')
    .describe('Default `production`.'),
})
const ControlledSchema = z
  .object({
    status: z.enum(['active', 'paused', 'killed']),
    agent: z.string(),
    environment: z.string(),
    changed: z.boolean().describe('False when the agent was already in that state.'),
    registered: z
      .boolean()
      .describe(
        'True when no agent of that name was seen in that environment yet: it is registered, paused or killed, so the stop holds from its first action on.',
      ),
  })
  .meta({ id: 'AgentControlled' })

/** Only resuming needs an agent that was seen: pausing or killing a new name registers it. */
const UNKNOWN: RouteSpec['responses'] = {
  404: { description: 'No agent of that name in that environment', schema: AgentLedgerErrorSchema },
}

/**
 * AgentLedger's kill switch: `POST /api/v1/agents/:name/pause|resume|kill?environment=`. Paused
 * agents' actions are refused until resumed; killed is final (resume and pause answer 409). An agent
 * not seen yet is registered paused or killed (AgentLedger's `killAgent('rogue-bot')` before the
 * bot's first action); resuming one is 404. Each request is recorded in the trail with the key that
 * made it; a kill raises a critical alert.
 */
export function agentControlRoutes(router: Router, store: Store): void {
  for (const verb of Object.keys(VERBS) as Array<keyof typeof VERBS>) {
    router.add(
      {
        method: 'post',
        path: `/api/v1/agents/{name}/${verb}`,
        tag: 'control',
        surface: 'agentledger',
        scope: 'control',
        summary: `${verb[0]?.toUpperCase()}${verb.slice(1)} an agent`,
        description:
          verb === 'kill'
            ? 'Permanently: every later action of the agent in this environment is refused (checks) or recorded as a violation (reports), and it cannot be resumed. Raises a critical `agent_killed` alert. A name not seen yet is registered killed.'
            : verb === 'pause'
              ? 'Its actions are refused until it is resumed. A killed agent cannot be paused (409). A name not seen yet is registered paused.'
              : 'Lets a paused agent act again. A killed agent stays killed (409); an agent not seen yet is 404.',
        params: ParamsSchema,
        query: QuerySchema,
        responses: {
          200: { description: 'The agent’s status now', schema: ControlledSchema },
          403: { description: 'The key lacks the control scope', schema: AgentLedgerErrorSchema },
          409: { description: 'The agent was killed', schema: AgentLedgerErrorSchema },
          ...(verb === 'resume' ? UNKNOWN : {}),
        },
      },
      async (c, { params: { name }, query: { environment }, key }) => {
        const actor = { keyId: key.id, keyName: key.name, ipAddress: clientAddress(c) }
        // The change and its record in the trail (`agent.paused`, ... with this key) commit together.
        const result = await store.control.setAgentStatus(
          key.org_id,
          environment,
          name,
          VERBS[verb],
          Date.now(),
          actor,
        )
        if (result.outcome === 'not_found')
          throw new AppError('not_found', 'Agent not found').with({ agent: name, environment })
        if (result.outcome === 'killed')
          throw new AppError(
            'agent_killed',
            `Agent ${name} has been killed in ${environment}; a killed agent cannot be ${verb === 'pause' ? 'paused' : 'resumed'}. Register a new agent name to run it again.`,
          )
        const registered = result.outcome === 'registered'
        const changed = registered || result.outcome === 'changed'
        return c.json({ status: result.status, agent: name, environment, changed, registered })
      },
    )
  }
}
