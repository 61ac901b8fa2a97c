import type pg from 'pg'
import { uuidv7 } from '@agenttrail/protocol'
import { runOpsAsync } from '../../control/control-ops.js'
import { budgetPeriod } from '../../control/budget-period.js'
import type { BudgetUsage } from '../../control/budget-record.js'
import { decideCheck, freeDecision, killedAlert } from '../../control/engine.js'
import { agentControlRecord, approvalDecisionRecord } from '../../control/control-records.js'
import { MAX_WINDOW_SECONDS } from '../../control/policy-rules.js'
import type { PolicyRecord } from '../../control/policy-rules.js'
import {
  ALERT_COLUMNS,
  APPROVAL_COLUMNS,
  BUDGET_COLUMNS,
  POLICY_COLUMNS,
  alertFromRow,
  approvalFromRow,
  budgetFromRow,
  budgetWithUsage,
  policyFromRow,
} from '../control-rows.js'
import type { AlertRow, ApprovalRow, BudgetRow, PolicyRow } from '../control-rows.js'
import type {
  AgentStatus,
  ApprovalRecord,
  CheckInput,
  ControlStore,
  Decision,
  NewPolicy,
} from '../control-store.js'
import { createBatcher } from '../../batcher.js'
import type { Batcher } from '../../batcher.js'
import { decideChecksByOrg } from '../checks-by-org.js'
import { agentTransition, approvalTransition } from '../control-transitions.js'
import { appendInTransaction } from './postgres-append.js'
import { agentCacheKey, postgresControlOps, rememberAgents } from './postgres-control-ops.js'
import type { ControlsCache } from './postgres-control-ops.js'

type Db = Pick<pg.Pool | pg.PoolClient, 'query'>

/**
 * The control plane on PostgreSQL. Every write that changes what decides, and every decision, runs
 * in a transaction that first locks the org's row (the lock appends take), so they serialize per
 * org across all server processes; changes move `orgs.control_version` on for every cache.
 */
export function createPostgresControl(pool: pg.Pool, cache: ControlsCache): ControlStore {
  /** Runs `work` in a transaction holding the org row's lock; `work` gets the org's control version, read under it. */
  async function inOrgTransaction<T>(
    orgId: string,
    work: (client: pg.PoolClient, version: number) => Promise<T>,
  ): Promise<T> {
    const client = await pool.connect()
    try {
      await client.query('BEGIN')
      const lock = {
        name: 'ctl-lock-org',
        text: 'SELECT control_version FROM orgs WHERE id = $1 FOR UPDATE',
        values: [orgId],
      }
      let { rows } = await client.query<{ control_version: string }>(lock)
      if (rows.length === 0) {
        await client.query(
          'INSERT INTO orgs (id, name, created_at) VALUES ($1, $1, $2) ON CONFLICT (id) DO NOTHING',
          [orgId, Date.now()],
        )
        ;({ rows } = await client.query<{ control_version: string }>(lock))
      }
      const result = await work(client, Number(rows[0]?.control_version))
      await client.query('COMMIT')
      return result
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined)
      throw error
    } finally {
      client.release()
    }
  }
  /** Decides an org's checks one after the other in one transaction holding its lock, recording refusals in it. */
  const decideAll = async (orgId: string, inputs: readonly CheckInput[]) => {
    const agentsSeen: string[] = []
    const decisions = await inOrgTransaction(orgId, async (client, version) => {
      const ops = postgresControlOps(client, cache, agentsSeen)
      const out: Decision[] = []
      for (const input of inputs) {
        const { decision, records } = await runOpsAsync(
          decideCheck(orgId, input, Date.now(), version),
          ops,
        )
        if (records.length > 0)
          await appendInTransaction(
            client,
            records.map((r) => ({ orgId, event: r.event, system: r.system })),
            cache,
          )
        out.push(decision)
      }
      return out
    })
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
  const bump = (db: Db, orgId: string) =>
    db.query('UPDATE orgs SET control_version = control_version + 1 WHERE id = $1', [orgId])

  const getPolicy = async (db: Db, orgId: string, id: string) => {
    const { rows } = await db.query<PolicyRow>(
      `SELECT ${POLICY_COLUMNS} FROM policies WHERE org_id = $1 AND id = $2`,
      [orgId, id],
    )
    return rows[0] && policyFromRow(rows[0])
  }
  const withUsage = async (
    db: Db,
    orgId: string,
    row: BudgetRow,
    now: number,
  ): Promise<BudgetUsage> => {
    const b = budgetFromRow(row)
    const { rows } = await db.query<{ actions: string; cost_micros: string }>(
      'SELECT actions, cost_micros FROM budget_usage WHERE org_id = $1 AND budget_id = $2 AND period_start = $3',
      [orgId, b.id, budgetPeriod(b.period, now).start],
    )
    return budgetWithUsage(b, rows[0], now)
  }
  const getBudget = async (db: Db, orgId: string, id: string, now: number) => {
    const { rows } = await db.query<BudgetRow>(
      `SELECT ${BUDGET_COLUMNS} FROM budgets WHERE org_id = $1 AND id = $2`,
      [orgId, id],
    )
    return rows[0] && withUsage(db, orgId, rows[0], now)
  }
  const getApproval = async (db: Db, orgId: string, id: string, now: number) => {
    const { rows } = await db.query<ApprovalRow>(
      `SELECT ${APPROVAL_COLUMNS} FROM approvals WHERE org_id = $1 AND id = $2`,
      [orgId, id],
    )
    return rows[0] && approvalFromRow(rows[0], now)
  }
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

  return {
    check: async (orgId, input) => {
      // An org with no controls allows a known agent without a transaction or its lock (engine.ts, freeDecision).
      const { environment, agent } = input.event
      if (cache.agents.has(agentCacheKey(orgId, environment, agent))) {
        const { rows } = await pool.query<{ control_version: string }>({
          name: 'ctl-version',
          text: 'SELECT control_version FROM orgs WHERE id = $1',
          values: [orgId],
        })
        const cached = cache.controls.get(orgId)
        if (rows[0] && cached?.version === Number(rows[0].control_version)) {
          const free = freeDecision(cached, true)
          if (free) return free
        }
      }
      const [outcome] = await checksOf(orgId).append([{ orgId, input }])
      if (outcome instanceof Error) throw outcome
      return outcome as Decision
    },
    setAgentStatus: async (orgId, environment, name, to, now, actor) => {
      const outcome = await inOrgTransaction(orgId, async (client) => {
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
        await appendInTransaction(client, [{ orgId, event: record, system: true }], cache)
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
        if (to === 'killed') await ops.insertAlert(orgId, killedAlert(environment, name, now))
        return outcome
      })
      // Only rows a committed transaction wrote are known to exist.
      if (outcome.outcome === 'registered')
        rememberAgents(cache, [agentCacheKey(orgId, environment, name)])
      return outcome
    },

    async listPolicies(orgId, filter) {
      const { rows } = await pool.query<PolicyRow>(
        `SELECT ${POLICY_COLUMNS} FROM policies WHERE org_id = $1 AND ($2::text IS NULL OR agent_name = $2)
           AND ($3::text IS NULL OR environment = $3 OR environment IS NULL) ORDER BY priority DESC, created_at, id`,
        [orgId, filter.agent_name ?? null, filter.environment ?? null],
      )
      return rows.map(policyFromRow)
    },
    getPolicy: (orgId, id) => getPolicy(pool, orgId, id),
    createPolicy: (orgId, p, now) =>
      inOrgTransaction(orgId, async (client) => {
        const id = uuidv7(now)
        await writePolicy(client, orgId, id, p, now, true)
        await bump(client, orgId)
        return (await getPolicy(client, orgId, id)) as PolicyRecord
      }),
    updatePolicy: (orgId, id, patch, now) =>
      inOrgTransaction(orgId, async (client) => {
        const current = await getPolicy(client, orgId, id)
        if (!current) return undefined
        const { id: _id, created_at: _c, updated_at: _u, ...fields } = current
        await writePolicy(client, orgId, id, { ...fields, ...patch }, now, false)
        await bump(client, orgId)
        return getPolicy(client, orgId, id)
      }),
    deletePolicy: (orgId, id) =>
      inOrgTransaction(orgId, async (client) => {
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

    async listBudgets(orgId, filter, now) {
      const { rows } = await pool.query<BudgetRow>(
        `SELECT ${BUDGET_COLUMNS} FROM budgets WHERE org_id = $1 AND ($2::text IS NULL OR agent_name = $2)
           AND ($3::text IS NULL OR environment = $3) ORDER BY environment, agent_name, period, id`,
        [orgId, filter.agent_name ?? null, filter.environment ?? null],
      )
      return Promise.all(rows.map((row) => withUsage(pool, orgId, row, now)))
    },
    getBudget: (orgId, id, now) => getBudget(pool, orgId, id, now),
    putBudget: (orgId, b, now) =>
      inOrgTransaction(orgId, async (client) => {
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
      inOrgTransaction(orgId, async (client) => {
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
      inOrgTransaction(orgId, async (client) => {
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
      inOrgTransaction(orgId, async (client) => {
        const current = await getBudget(client, orgId, id, now)
        if (!current) return undefined
        await client.query(
          'DELETE FROM budget_usage WHERE org_id = $1 AND budget_id = $2 AND period_start = $3',
          [orgId, id, budgetPeriod(current.period, now).start],
        )
        return getBudget(client, orgId, id, now)
      }),

    async listApprovals(orgId, filter, now) {
      const { rows } = await pool.query<ApprovalRow>(
        `SELECT ${APPROVAL_COLUMNS} FROM approvals WHERE org_id = $1 AND ($2::text IS NULL OR environment = $2)
           AND ($3::text IS NULL OR agent = $3)
           AND ($4::text IS NULL OR ($4 = 'expired' AND (status = 'expired' OR (status = 'pending' AND expires_at <= $5)))
                OR ($4 = 'pending' AND status = 'pending' AND expires_at > $5) OR ($4 NOT IN ('pending', 'expired') AND status = $4))
         ORDER BY requested_at DESC, id DESC LIMIT $6`,
        [
          orgId,
          filter.environment ?? null,
          filter.agent ?? null,
          filter.status ?? null,
          now,
          filter.limit,
        ],
      )
      return rows.map((row) => approvalFromRow(row, now))
    },
    getApproval: (orgId, id, now) => getApproval(pool, orgId, id, now),
    decideApproval: (orgId, id, d, now, actor) =>
      inOrgTransaction(orgId, async (client) => {
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
        )
        return { outcome: 'decided' as const, approval }
      }),

    async listAlerts(orgId, filter) {
      const { rows } = await pool.query<AlertRow>(
        `SELECT ${ALERT_COLUMNS} FROM alerts WHERE org_id = $1 AND ($2 OR acknowledged_at IS NULL)
           AND ($3::text IS NULL OR environment = $3) ORDER BY created_at DESC, id DESC LIMIT $4`,
        [orgId, filter.all, filter.environment ?? null, filter.limit],
      )
      return rows.map(alertFromRow)
    },
    purge: async (now) =>
      ((await pool.query('DELETE FROM rate_hits WHERE ts < $1', [now - MAX_WINDOW_SECONDS * 1000]))
        .rowCount ?? 0) +
      ((await pool.query('DELETE FROM permits WHERE expires_at <= $1', [now])).rowCount ?? 0),
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
  }
}
