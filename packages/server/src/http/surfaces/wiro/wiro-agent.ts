import { agentGuid } from '@agenttrail/protocol'
import { AppError } from '../../../app-error.js'
import type { AgentRef } from '../../../jobs/archive-day.js'
import type { AgentSummary, Store } from '../../../store/store.js'
import { WIRO_ACCESS_DENIED } from './wiro-errors.js'

/** An agent found by its guid. */
export interface ResolvedAgent {
  guid: string
  ref: AgentRef
  summary: AgentSummary
}

/**
 * Finds the caller's agent by guid among the agents of the caller's org. A guid that is not one of
 * them, including another org's agent, is `useragent-access-denied`: whether it exists elsewhere is
 * never revealed.
 */
export async function resolveAgent(store: Store, orgId: string, guid: string): Promise<ResolvedAgent> {
  for (const summary of await store.events.agents(orgId, {}))
    if (agentGuid(orgId, summary.environment, summary.name) === guid)
      return { guid, ref: { orgId, environment: summary.environment, name: summary.name }, summary }
  throw new AppError('forbidden', WIRO_ACCESS_DENIED)
}
