import type { Topic } from '../outbox-rows.js'
import type pg from 'pg'
import type { AsyncControlOps, Counters } from '../../control/control-ops.js'
import { PERMIT_TTL_MS } from '../../control/control-types.js'
import { compileControls } from '../../control/org-controls.js'
import type { OrgControls } from '../../control/org-controls.js'
import { BUDGET_COLUMNS, POLICY_COLUMNS, budgetFromRow, policyFromRow } from '../control-rows.js'
import type { BudgetRow, PolicyRow } from '../control-rows.js'
import type { AgentStatus } from '../control-store.js'

/** Adds agents whose rows a committed transaction wrote to what the process knows. */
export function rememberAgents(cache: ControlsCache, keys: readonly string[]): void {
  if (cache.agents.size + keys.length > 100_000) cache.agents.clear()
  for (const key of keys) cache.agents.add(key)
}

/** What one store instance remembers across transactions. */
export interface ControlsCache {
  /** Compiled controls per org, as of their version. */
  controls: Map<string, OrgControls>
  /** Agents known to have a row (org, environment, name). */
  agents: Set<string>
  /** The topics each org's subscriptions want, as of its notify version (postgres-outbox.ts). */
  topics: Map<string, { version: number; topics: ReadonlySet<Topic> }>
}

export const newControlsCache = (): ControlsCache => ({
  controls: new Map(),
  agents: new Set(),
  topics: new Map(),
})

export const agentCacheKey = (orgId: string, environment: string, name: string) =>
  `${orgId}\u0000${environment}\u0000${name}`

const counters = (row: { actions: string; cost_micros: string } | undefined): Counters =>
  row
    ? { actions: Number(row.actions), cost_micros: Number(row.cost_micros) }
    : { actions: 0, cost_micros: 0 }

/**
 * The control plane's operations on one PostgreSQL transaction's client (see control-ops.ts). The
 * caller holds the org row's lock (`FOR UPDATE`), so decisions of one org are serialized across
 * every server process; counters still change in one statement each.
 */
export function postgresControlOps(
  client: pg.PoolClient,
  cache: ControlsCache,
  agentsSeen?: string[],
): AsyncControlOps {
  const q = async <R extends pg.QueryResultRow>(name: string, text: string, values: unknown[]) =>
    (await client.query<R>({ name, text, values })).rows
  return {
    async controls(orgId, known) {
      const v =
        known ??
        Number(
          (
            await q<{ control_version: string }>(
              'ctl-version',
              'SELECT control_version FROM orgs WHERE id = $1',
              [orgId],
            )
          )[0]?.control_version ?? 0,
        )
      const hit = cache.controls.get(orgId)
      if (hit && hit.version === v) return hit
      // One after the other: a client runs one query at a time.
      const policies = await q<PolicyRow>(
        'ctl-policies',
        `SELECT ${POLICY_COLUMNS} FROM policies WHERE org_id = $1 AND enabled`,
        [orgId],
      )
      const budgets = await q<BudgetRow>(
        'ctl-budgets',
        `SELECT ${BUDGET_COLUMNS} FROM budgets WHERE org_id = $1`,
        [orgId],
      )
      const stopped = await q<{ environment: string; name: string; status: AgentStatus }>(
        'ctl-stopped',
        "SELECT environment, name, status FROM agents WHERE org_id = $1 AND status <> 'active'",
        [orgId],
      )
      const fresh = compileControls(
        v,
        policies.map(policyFromRow),
        budgets.map(budgetFromRow),
        stopped,
      )
      cache.controls.set(orgId, fresh)
      return fresh
    },
    async ensureAgent(orgId, environment, name, now) {
      // Agents are never removed, so one known to exist needs no statement (a round trip under the org's lock).
      const key = agentCacheKey(orgId, environment, name)
      if (cache.agents.has(key)) return
      await q(
        'ctl-ensure-agent',
        `INSERT INTO agents (org_id, environment, name, first_seen, last_seen, events, errors, tokens_total, cost_micros)
         VALUES ($1, $2, $3, $4, $4, 0, 0, 0, 0) ON CONFLICT DO NOTHING`,
        [orgId, environment, name, now],
      )
      // Known once the transaction commits: the caller adds what it collected here to the cache then.
      agentsSeen?.push(key)
    },
    budgetUsage: async (orgId, budgetId, periodStart) =>
      counters(
        (
          await q<{ actions: string; cost_micros: string }>(
            'ctl-usage',
            'SELECT actions, cost_micros FROM budget_usage WHERE org_id = $1 AND budget_id = $2 AND period_start = $3',
            [orgId, budgetId, periodStart],
          )
        )[0],
      ),
    addBudgetUsage: async (orgId, budgetId, periodStart, actions, costMicros) =>
      counters(
        (
          await q<{ actions: string; cost_micros: string }>(
            'ctl-add-usage',
            `INSERT INTO budget_usage (org_id, budget_id, period_start, actions, cost_micros) VALUES ($1, $2, $3, $4, greatest(0, $5::bigint))
             ON CONFLICT (org_id, budget_id, period_start) DO UPDATE SET actions = budget_usage.actions + EXCLUDED.actions,
               cost_micros = greatest(0, budget_usage.cost_micros + $5::bigint)
             RETURNING actions, cost_micros`,
            [orgId, budgetId, periodStart, actions, costMicros],
          )
        )[0],
      ),
    flagBudget: async (orgId, budgetId, periodStart, flag) =>
      (
        await client.query(
          `UPDATE budget_usage SET ${flag === 'warned' ? 'warned' : 'exceeded'} = 1
           WHERE org_id = $1 AND budget_id = $2 AND period_start = $3 AND ${flag === 'warned' ? 'warned' : 'exceeded'} = 0`,
          [orgId, budgetId, periodStart],
        )
      ).rowCount === 1,
    rateCount: async (orgId, policyId, environment, agent, since) =>
      Number(
        (
          await q<{ n: string }>(
            'ctl-rate-count',
            'SELECT count(*) AS n FROM rate_hits WHERE org_id = $1 AND policy_id = $2 AND environment = $3 AND agent = $4 AND ts > $5',
            [orgId, policyId, environment, agent, since],
          )
        )[0]?.n,
      ),
    async rateHit(orgId, policyId, environment, agent, ts, pruneBefore) {
      await q(
        'ctl-rate-hit',
        `WITH pruned AS (DELETE FROM rate_hits WHERE org_id = $1 AND policy_id = $2 AND environment = $3 AND agent = $4 AND ts <= $6)
         INSERT INTO rate_hits (org_id, policy_id, environment, agent, ts) VALUES ($1, $2, $3, $4, $5)`,
        [orgId, policyId, environment, agent, ts, pruneBefore],
      )
    },
    findApproval: async (orgId, key, now) =>
      (
        await q<{ id: string; status: 'pending' | 'approved' }>(
          'ctl-find-approval',
          `SELECT id, status FROM approvals WHERE org_id = $1 AND environment = $2 AND agent = $3 AND service = $4 AND action = $5
             AND input_hash = $6 AND ((status = 'approved' AND used_at IS NULL) OR (status = 'pending' AND expires_at > $7))
           ORDER BY status = 'approved' DESC, requested_at LIMIT 1`,
          [orgId, key.environment, key.agent, key.service, key.action, key.input_hash, now],
        )
      )[0],
    async createApproval(orgId, a) {
      await q(
        'ctl-create-approval',
        `INSERT INTO approvals (org_id, id, environment, agent, service, action, input_hash, input, cost_micros, policy_id, status,
           requested_at, expires_at, requested_by, event_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'pending', $11, $12, $13, $14)`,
        [
          orgId,
          a.id,
          a.environment,
          a.agent,
          a.service,
          a.action,
          a.input_hash,
          a.input,
          a.cost_micros,
          a.policy_id,
          a.requested_at,
          a.expires_at,
          a.requested_by,
          a.event_id,
        ],
      )
    },
    useApproval: async (orgId, id, now) =>
      (
        await client.query(
          "UPDATE approvals SET used_at = $3 WHERE org_id = $1 AND id = $2 AND status = 'approved' AND used_at IS NULL",
          [orgId, id, now],
        )
      ).rowCount === 1,
    async createPermit(orgId, p) {
      await q(
        'ctl-create-permit',
        `INSERT INTO permits (org_id, id, environment, agent, service, action, reserved_micros, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          orgId,
          p.id,
          p.environment,
          p.agent,
          p.service,
          p.action,
          p.reserved_micros,
          p.created_at,
          p.expires_at,
        ],
      )
    },
    claimPermit: async (orgId, key, now) => {
      const row = (
        await q<{ reserved_micros: string; created_at: string }>(
          'ctl-claim-permit',
          `DELETE FROM permits WHERE org_id = $1 AND id = (SELECT id FROM permits WHERE org_id = $1 AND environment = $2 AND agent = $3
             AND service = $4 AND action = $5 AND created_at > $6 ORDER BY created_at, id LIMIT 1) RETURNING reserved_micros, created_at`,
          // Live permits are the last PERMIT_TTL_MS's: the index walks straight to them (the hourly purge removes the rest).
          [orgId, key.environment, key.agent, key.service, key.action, now - PERMIT_TTL_MS],
        )
      )[0]
      return (
        row && { reserved_micros: Number(row.reserved_micros), created_at: Number(row.created_at) }
      )
    },
    async dropPermits(orgId, environment, agent) {
      await q(
        'ctl-drop-permits',
        'DELETE FROM permits WHERE org_id = $1 AND environment = $2 AND agent = $3',
        [orgId, environment, agent],
      )
    },
    async insertAlert(orgId, a) {
      await q(
        'ctl-insert-alert',
        `INSERT INTO alerts (org_id, id, environment, agent_name, alert_type, severity, message, metadata, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          orgId,
          a.id,
          a.environment,
          a.agent_name,
          a.alert_type,
          a.severity,
          a.message,
          JSON.stringify(a.metadata),
          a.created_at,
        ],
      )
    },
  }
}
