import { agentGuid } from '@agenttrail/protocol'
import { AppError } from '../../../app-error.js'
import type { AgentRef } from '../../../archive/archive-day.js'
import type { AgentSummary, Store } from '../../../store/store.js'
import { WIRO_ACCESS_DENIED } from './wiro-errors.js'

/** An agent found by its guid. */
export interface ResolvedAgent {
  guid: string
  ref: AgentRef
  summary: AgentSummary
}

/** Orgs whose guids are remembered; the least recently refreshed is forgotten first. */
const MAX_ORGS = 1_000

/**
 * Finds agents by guid. A guid is a hash of (org, environment, name) (`agentGuid`), so it cannot
 * be looked up in the store; the directory hashes the org's agents once and remembers the map. An
 * agent's guid never changes, so an entry never goes stale; a guid it does not know (a new agent)
 * makes it hash the org's agents again, one refresh per org at a time.
 *
 * A guid that is not one of the caller's org's agents, including another org's agent, is
 * `useragent-access-denied`: whether it exists elsewhere is never revealed.
 */
export function createAgentDirectory(store: Pick<Store, 'events'>) {
  const byOrg = new Map<string, Map<string, Omit<AgentRef, 'orgId'>>>()
  const refreshing = new Map<string, Promise<Map<string, Omit<AgentRef, 'orgId'>>>>()

  const refresh = (orgId: string) => {
    let pending = refreshing.get(orgId)
    if (!pending) {
      pending = store.events
        .agents(orgId, {})
        .then((agents) => {
          const guids = new Map(
            agents.map((a) => [
              agentGuid(orgId, a.environment, a.name),
              { environment: a.environment, name: a.name },
            ]),
          )
          byOrg.delete(orgId)
          byOrg.set(orgId, guids)
          if (byOrg.size > MAX_ORGS) byOrg.delete(byOrg.keys().next().value as string)
          return guids
        })
        .finally(() => refreshing.delete(orgId))
      refreshing.set(orgId, pending)
    }
    return pending
  }

  /** The agent `guid` names in `orgId`, or `useragent-access-denied`. */
  async function ref(orgId: string, guid: string): Promise<AgentRef> {
    const found = byOrg.get(orgId)?.get(guid) ?? (await refresh(orgId)).get(guid)
    if (!found) throw new AppError('forbidden', WIRO_ACCESS_DENIED)
    return { orgId, ...found }
  }

  return {
    ref,
    /** The agent with its current summary (first and last seen, counts). */
    async resolve(orgId: string, guid: string): Promise<ResolvedAgent> {
      const agent = await ref(orgId, guid)
      const [summary] = await store.events.agents(orgId, {
        environment: agent.environment,
        name: agent.name,
      })
      if (!summary) throw new AppError('forbidden', WIRO_ACCESS_DENIED)
      return { guid, ref: agent, summary }
    },
  }
}

export type AgentDirectory = ReturnType<typeof createAgentDirectory>
