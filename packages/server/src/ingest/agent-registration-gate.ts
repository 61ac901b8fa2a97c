import { AppError } from '../app-error.js'
import type { EventStore } from '../store/store.js'
import type { IngestGate } from './ingest-types.js'

/**
 * For orgs whose settings say `require_registered_agents`, refuses a request when any of its events
 * names an agent that is not in the org's agent list for the event's environment (registered with
 * `POST /api/v1/agents`, or seen before the setting was turned on). Events without an agent pass.
 */
export function createAgentRegistrationGate(events: Pick<EventStore, 'agents'>): IngestGate {
  return async (batch, ctx, settings) => {
    if (!settings.require_registered_agents) return
    const pairs = new Map<string, { environment: string; name: string }>()
    for (const e of batch)
      if (e.agent !== null)
        pairs.set(`${e.environment}\u0000${e.agent}`, { environment: e.environment, name: e.agent })
    for (const { environment, name } of pairs.values()) {
      const known = await events.agents(ctx.orgId, { environment, name })
      if (known.length === 0)
        throw new AppError(
          'agent_not_registered',
          `this org accepts events only from registered agents; register the agent with POST /api/v1/agents (environment ${environment})`,
        )
    }
  }
}
