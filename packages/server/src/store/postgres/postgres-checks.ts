import type pg from 'pg'
import { createBatcher } from '../../batcher.js'
import type { Batcher } from '../../batcher.js'
import { runOpsAsync } from '../../control/control-ops.js'
import type { Enforcement } from '../../control/enforcement.js'
import type { CheckInput, Decision } from '../../control/control-types.js'
import { decideChecksByOrg } from '../checks-by-org.js'
import type { ControlStore } from '../control-store.js'
import { appendInTransaction } from './postgres-append.js'
import { agentCacheKey, postgresControlOps, rememberAgents } from './postgres-control-ops.js'
import type { ControlsCache } from './postgres-control-ops.js'
import { withTransaction } from './postgres-tx.js'

/**
 * Checks on PostgreSQL. An org with no controls allows a known agent from what is committed
 * (`Enforcement.free`); every other check is decided in a transaction holding the org row's
 * lock, which records a refusal in the same transaction.
 */
export function createPostgresChecks(
  pool: pg.Pool,
  cache: ControlsCache,
  enforce: Enforcement,
): Pick<ControlStore, 'check'> {
  /** Decides an org's checks one after the other in one transaction holding its lock. */
  const decideAll = async (orgId: string, inputs: readonly CheckInput[]) => {
    const agentsSeen: string[] = []
    const decisions = await withTransaction(
      pool,
      async (client, org) => {
        const version = Number(org?.controlVersion)
        const ops = postgresControlOps(client, cache, agentsSeen)
        const out: Decision[] = []
        for (const input of inputs) {
          const { decision, records } = await runOpsAsync(
            enforce.check(orgId, input, Date.now(), version),
            ops,
          )
          if (records.length > 0)
            await appendInTransaction(
              client,
              records.map((r) => ({ orgId, event: r.event, system: r.system })),
              cache,
              enforce,
            )
          out.push(decision)
        }
        return out
      },
      { lockOrg: orgId },
    )
    // Only rows a committed transaction wrote are known to exist.
    rememberAgents(cache, agentsSeen)
    return decisions
  }
  // Checks of one org that arrive together share a transaction (one lock, one commit); each org has
  // its own queue, so an org whose lock is held (a large append) delays only its own checks.
  const batchers = new Map<
    string,
    Batcher<{ orgId: string; input: CheckInput }, Decision | Error>
  >()
  const checksOf = (orgId: string) => {
    let batcher = batchers.get(orgId)
    if (!batcher) {
      // A queue is small; forgetting them all now and then bounds the map (a forgotten one finishes its work).
      if (batchers.size >= 10_000) batchers.clear()
      batchers.set(
        orgId,
        (batcher = createBatcher((items) => decideChecksByOrg(items, decideAll), 64)),
      )
    }
    return batcher
  }

  return {
    check: async (orgId, input) => {
      // An org with no controls allows a known agent without a transaction or its lock.
      const { environment, agent } = input.event
      if (cache.agents.has(agentCacheKey(orgId, environment, agent))) {
        const { rows } = await pool.query<{ control_version: string }>({
          name: 'ctl-version',
          text: 'SELECT control_version FROM orgs WHERE id = $1',
          values: [orgId],
        })
        const cached = cache.controls.get(orgId)
        if (rows[0] && cached?.version === Number(rows[0].control_version)) {
          const free = enforce.free(cached, true)
          if (free) return free
        }
      }
      const [outcome] = await checksOf(orgId).append([{ orgId, input }])
      if (outcome instanceof Error) throw outcome
      return outcome as Decision
    },
  }
}
