import type pg from 'pg'
import { uuidv7 } from '@agenttrail/protocol'
import { budgetPeriod } from '../../control/budget-period.js'
import type { BudgetUsage } from '../../control/budget-record.js'
import {
  agentControlRecord,
  approvalDecisionRecord,
  killedAlert,
  alertRecord,
} from '../../control/control-records.js'
import type { Enforcement } from '../../control/enforcement.js'
import { MAX_WINDOW_SECONDS } from '../../control/policy-rules.js'
import type { PolicyRecord } from '../../control/policy-rules.js'
import type { AgentStatus, ApprovalRecord, NewPolicy } from '../../control/control-types.js'
import type { ControlStore } from '../control-store.js'
import { agentTransition, approvalTransition } from '../../control/control-transitions.js'
import { appendInTransaction } from './postgres-append.js'
import { agentCacheKey, postgresControlOps, rememberAgents } from './postgres-control-ops.js'
import type { ControlsCache } from './postgres-control-ops.js'
import { getApproval, getBudget, getPolicy } from './postgres-control-reads.js'
import type { ControlReads, Db } from './postgres-control-reads.js'
import { withTransaction } from './postgres-tx.js'

type ControlWrites = Omit<ControlStore, 'check' | keyof ControlReads>

const bump = (db: Db, orgId: string) =>
  db.query('UPDATE orgs SET control_version = control_version + 1 WHERE id = $1', [orgId])

const writePolicy = (
  db: Db,
  orgId: string,
  id: string,
  p: NewPolicy,
  now: number,
  insert: boolean,
) =>
  db.query(
    insert
      ? `INSERT INTO policies (org_id, id, name, agent_name, environment, rule_type, rule_config, enabled, priority, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)`
      : `UPDATE policies SET name = $3, agent_name = $4, environment = $5, rule_type = $6, rule_config = $7, enabled = $8,
         priority = $9, updated_at = $10 WHERE org_id = $1 AND id = $2`,
    [
      orgId,
      id,
      p.name,
      p.agent_name,
      p.environment,
      p.rule_type,
      JSON.stringify(p.rule_config),
      p.enabled,
      p.priority,
      now,
    ],
  )
/**
 * Control-plane writes on PostgreSQL. Every write that changes what decides runs in a transaction
 * that first locks the org's row (the lock appends take), so it serializes with the org's appends
 * and checks across all server processes, and moves `orgs.control_version` on for every cache.
 */
export function createPostgresControlWrites(
  pool: pg.Pool,
  cache: ControlsCache,
  enforce: Enforcement,
): ControlWrites {
  return {
    ...agentWrites(pool, cache, enforce),
    ...policyWrites(pool),
    ...budgetWrites(pool),
    ...approvalWrites(pool, cache, enforce),
    ...alertWrites(pool),
  }
}

/** `work` in a transaction holding the org row's lock (the row created when missing). */
const orgTransaction =
  (pool: pg.Pool) =>
  <T>(orgId: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> =>
    withTransaction(pool, work, { lockOrg: orgId })

/** Pause, resume and kill, each recorded as an audit event in the same transaction. */
function agentWrites(
  pool: pg.Pool,
  cache: ControlsCache,
  enforce: Enforcement,
): Pick<ControlStore, 'setAgentStatus'> {
  const inOrg = orgTransaction(pool)
  return {
    setAgentStatus: async (orgId, environment, name, to, now, actor) => {
      const outcome = await inOrg(orgId, async (client) => {
        const status = async () =>
          (
            await client.query<{ status: AgentStatus }>(
              'SELECT status FROM agents WHERE org_id = $1 AND environment = $2 AND name = $3',
              [orgId, environment, name],
            )
          ).rows[0]?.status
        let outcome = agentTransition(await status(), to)
        if (outcome.outcome === 'registered') {
          // An agent paused or killed before it was seen: registered in that state, counts zero.
          const { rowCount } = await client.query(
            `INSERT INTO agents (org_id, environment, name, first_seen, last_seen, events, errors, tokens_total, cost_micros, status)
             VALUES ($1, $2, $3, $4, $4, 0, 0, 0, 0, $5) ON CONFLICT DO NOTHING`,
            [orgId, environment, name, now, to],
          )
          // Registered at the same moment without the org's lock (POST /api/v1/agents): decide on that row.
          if (rowCount === 0) outcome = agentTransition(await status(), to)
        }
        if (outcome.outcome === 'not_found' || outcome.outcome === 'killed') return outcome
        const registered = outcome.outcome === 'registered'
        const changed = outcome.outcome !== 'unchanged'
        const record = agentControlRecord(
          name,
          environment,
          outcome.status,
          { changed, registered },
          actor,
          now,
        )
        await appendInTransaction(client, [{ orgId, event: record, system: true }], cache, enforce)
        if (!changed) return outcome
        if (!registered)
          await client.query(
            'UPDATE agents SET status = $4 WHERE org_id = $1 AND environment = $2 AND name = $3',
            [orgId, environment, name, to],
          )
        await bump(client, orgId)
        const ops = postgresControlOps(client, cache)
        // What checks allowed before the pause or kill does not stand: later reports are judged anew.
        if (to !== 'active') await ops.dropPermits(orgId, environment, name)
        if (to === 'killed') {
          const alert = killedAlert(environment, name, now)
          await ops.insertAlert(orgId, alert)
          await appendInTransaction(
            client,
            [{ orgId, event: alertRecord(orgId, alert), system: true }],
            cache,
            enforce,
          )
        }
        return outcome
      })
      // Only rows a committed transaction wrote are known to exist.
      if (outcome.outcome === 'registered')
        rememberAgents(cache, [agentCacheKey(orgId, environment, name)])
      return outcome
    },
  }
}

/** Policies; each change moves the org's control version on. */
function policyWrites(
  pool: pg.Pool,
): Pick<ControlStore, 'createPolicy' | 'updatePolicy' | 'deletePolicy'> {
  const inOrg = orgTransaction(pool)
  return {
    createPolicy: (orgId, p, now) =>
      inOrg(orgId, async (client) => {
        const id = uuidv7(now)
        await writePolicy(client, orgId, id, p, now, true)
        await bump(client, orgId)
        return (await getPolicy(client, orgId, id)) as PolicyRecord
      }),
    updatePolicy: (orgId, id, patch, now) =>
      inOrg(orgId, async (client) => {
        const current = await getPolicy(client, orgId, id)
        if (!current) return undefined
        const { id: _id, created_at: _c, updated_at: _u, ...fields } = current
        await writePolicy(client, orgId, id, { ...fields, ...patch }, now, false)
        await bump(client, orgId)
        return getPolicy(client, orgId, id)
      }),
    deletePolicy: (orgId, id) =>
      inOrg(orgId, async (client) => {
        if (
          (await client.query('DELETE FROM policies WHERE org_id = $1 AND id = $2', [orgId, id]))
            .rowCount === 0
        )
          return false
        await client.query('DELETE FROM rate_hits WHERE org_id = $1 AND policy_id = $2', [
          orgId,
          id,
        ])
        await bump(client, orgId)
        return true
      }),
  }
}

/** Budgets; a reset clears the current period's usage and leaves the control version. */
function budgetWrites(
  pool: pg.Pool,
): Pick<ControlStore, 'putBudget' | 'updateBudget' | 'deleteBudget' | 'resetBudget'> {
  const inOrg = orgTransaction(pool)
  return {
    putBudget: (orgId, b, now) =>
      inOrg(orgId, async (client) => {
        const agent = b.agent_name ?? ''
        const { rows } = await client.query<{ id: string }>(
          'SELECT id FROM budgets WHERE org_id = $1 AND environment = $2 AND agent_name = $3 AND period = $4',
          [orgId, b.environment, agent, b.period],
        )
        const id = rows[0]?.id ?? uuidv7(now)
        if (rows[0])
          await client.query(
            'UPDATE budgets SET max_actions = $3, max_cost_cents = $4, updated_at = $5 WHERE org_id = $1 AND id = $2',
            [orgId, id, b.max_actions, b.max_cost_cents, now],
          )
        else
          await client.query(
            `INSERT INTO budgets (org_id, id, environment, agent_name, period, max_actions, max_cost_cents, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`,
            [orgId, id, b.environment, agent, b.period, b.max_actions, b.max_cost_cents, now],
          )
        await bump(client, orgId)
        return {
          budget: (await getBudget(client, orgId, id, now)) as BudgetUsage,
          created: !rows[0],
        }
      }),
    updateBudget: (orgId, id, patch, now) =>
      inOrg(orgId, async (client) => {
        const current = await getBudget(client, orgId, id, now)
        if (!current) return undefined
        const next = {
          max_actions: current.max_actions,
          max_cost_cents: current.max_cost_cents,
          ...patch,
        }
        await client.query(
          'UPDATE budgets SET max_actions = $3, max_cost_cents = $4, updated_at = $5 WHERE org_id = $1 AND id = $2',
          [orgId, id, next.max_actions, next.max_cost_cents, now],
        )
        await bump(client, orgId)
        return getBudget(client, orgId, id, now)
      }),
    deleteBudget: (orgId, id) =>
      inOrg(orgId, async (client) => {
        if (
          (await client.query('DELETE FROM budgets WHERE org_id = $1 AND id = $2', [orgId, id]))
            .rowCount === 0
        )
          return false
        await client.query('DELETE FROM budget_usage WHERE org_id = $1 AND budget_id = $2', [
          orgId,
          id,
        ])
        await bump(client, orgId)
        return true
      }),
    resetBudget: (orgId, id, now) =>
      inOrg(orgId, async (client) => {
        const current = await getBudget(client, orgId, id, now)
        if (!current) return undefined
        await client.query(
          'DELETE FROM budget_usage WHERE org_id = $1 AND budget_id = $2 AND period_start = $3',
          [orgId, id, budgetPeriod(current.period, now).start],
        )
        return getBudget(client, orgId, id, now)
      }),
  }
}

/** An approval's decision, recorded as an audit event in the same transaction. */
function approvalWrites(
  pool: pg.Pool,
  cache: ControlsCache,
  enforce: Enforcement,
): Pick<ControlStore, 'decideApproval'> {
  const inOrg = orgTransaction(pool)
  return {
    decideApproval: (orgId, id, d, now, actor) =>
      inOrg(orgId, async (client) => {
        const current = await getApproval(client, orgId, id, now)
        const step = approvalTransition(current, d)
        if (step === 'not_found' || !current) return { outcome: 'not_found' as const }
        if (step === 'own_request' || step === 'already_decided')
          return { outcome: step, approval: current }
        if (step === 'expire') {
          await client.query(
            "UPDATE approvals SET status = 'expired' WHERE org_id = $1 AND id = $2 AND status = 'pending'",
            [orgId, id],
          )
          return {
            outcome: 'expired' as const,
            approval: (await getApproval(client, orgId, id, now)) as ApprovalRecord,
          }
        }
        await client.query(
          `UPDATE approvals SET status = $3, decided_at = $4, decided_by = $5, decided_by_name = $6, note = $7
           WHERE org_id = $1 AND id = $2 AND status = 'pending'`,
          [orgId, id, d.status, now, d.keyId, d.name, d.note],
        )
        const approval = (await getApproval(client, orgId, id, now)) as ApprovalRecord
        await appendInTransaction(
          client,
          [{ orgId, event: approvalDecisionRecord(approval, actor, now), system: true }],
          cache,
          enforce,
        )
        return { outcome: 'decided' as const, approval }
      }),
  }
}

/** Alerts and the purge touch no decision: single statements, no lock. */
function alertWrites(pool: pg.Pool): Pick<ControlStore, 'acknowledgeAlerts' | 'purge'> {
  return {
    acknowledgeAlerts: async (orgId, target, now) =>
      ('id' in target
        ? await pool.query(
            'UPDATE alerts SET acknowledged_at = $3 WHERE org_id = $1 AND id = $2 AND acknowledged_at IS NULL',
            [orgId, target.id, now],
          )
        : await pool.query(
            'UPDATE alerts SET acknowledged_at = $2 WHERE org_id = $1 AND acknowledged_at IS NULL',
            [orgId, now],
          )
      ).rowCount ?? 0,
    purge: async (now) =>
      ((await pool.query('DELETE FROM rate_hits WHERE ts < $1', [now - MAX_WINDOW_SECONDS * 1000]))
        .rowCount ?? 0) +
      ((await pool.query('DELETE FROM permits WHERE expires_at <= $1', [now])).rowCount ?? 0),
  }
}
