import type Database from 'better-sqlite3'
import type { ControlOps, Counters } from '../../control/control-ops.js'
import { PERMIT_TTL_MS } from '../../control/control-types.js'
import { compileControls } from '../../control/org-controls.js'
import type { OrgControls } from '../../control/org-controls.js'
import { BUDGET_COLUMNS, POLICY_COLUMNS, budgetFromRow, policyFromRow } from '../control-rows.js'
import type { BudgetRow, PolicyRow } from '../control-rows.js'
import type { AgentStatus } from '../control-store.js'

/** The control plane's operations on the embedded store's writer connection (see control-ops.ts). */
export function createSqliteControlOps(db: Database.Database): ControlOps {
  const version = db.prepare<[string], { control_version: number }>(
    'SELECT control_version FROM orgs WHERE id = ?',
  )
  const policies = db.prepare<[string], PolicyRow>(
    `SELECT ${POLICY_COLUMNS} FROM policies WHERE org_id = ? AND enabled = 1`,
  )
  const budgets = db.prepare<[string], BudgetRow>(
    `SELECT ${BUDGET_COLUMNS} FROM budgets WHERE org_id = ?`,
  )
  const stopped = db.prepare<[string], { environment: string; name: string; status: AgentStatus }>(
    "SELECT environment, name, status FROM agents WHERE org_id = ? AND status <> 'active'",
  )
  const ensureOrg = db.prepare('INSERT OR IGNORE INTO orgs (id, name, created_at) VALUES (?, ?, ?)')
  const ensureAgent =
    db.prepare(`INSERT INTO agents (org_id, environment, name, first_seen, last_seen, events, errors, tokens_total, cost_micros)
    VALUES (?, ?, ?, ?, ?, 0, 0, 0, 0) ON CONFLICT DO NOTHING`)
  const usage = db.prepare<[string, string, number], Counters>(
    'SELECT actions, cost_micros FROM budget_usage WHERE org_id = ? AND budget_id = ? AND period_start = ?',
  )
  const addUsage = db.prepare<Record<string, unknown>, Counters>(
    `INSERT INTO budget_usage (org_id, budget_id, period_start, actions, cost_micros) VALUES (@org, @budget, @start, @actions, max(0, @cost))
     ON CONFLICT DO UPDATE SET actions = actions + excluded.actions, cost_micros = max(0, cost_micros + @cost)
     RETURNING actions, cost_micros`,
  )
  const flags = {
    warned: db.prepare(
      'UPDATE budget_usage SET warned = 1 WHERE org_id = ? AND budget_id = ? AND period_start = ? AND warned = 0',
    ),
    exceeded: db.prepare(
      'UPDATE budget_usage SET exceeded = 1 WHERE org_id = ? AND budget_id = ? AND period_start = ? AND exceeded = 0',
    ),
  }
  const rateCount = db.prepare<[string, string, string, string, number], { n: number }>(
    'SELECT count(*) AS n FROM rate_hits WHERE org_id = ? AND policy_id = ? AND environment = ? AND agent = ? AND ts > ?',
  )
  const ratePrune = db.prepare(
    'DELETE FROM rate_hits WHERE org_id = ? AND policy_id = ? AND environment = ? AND agent = ? AND ts <= ?',
  )
  const rateHit = db.prepare(
    'INSERT INTO rate_hits (org_id, policy_id, environment, agent, ts) VALUES (?, ?, ?, ?, ?)',
  )
  const findApproval = db.prepare<
    Record<string, unknown>,
    { id: string; status: 'pending' | 'approved' }
  >(
    `SELECT id, status FROM approvals WHERE org_id = @org AND environment = @environment AND agent = @agent AND service = @service
       AND action = @action AND input_hash = @input_hash
       AND ((status = 'approved' AND used_at IS NULL) OR (status = 'pending' AND expires_at > @now))
     ORDER BY status = 'approved' DESC, requested_at LIMIT 1`,
  )
  const createApproval = db.prepare(
    `INSERT INTO approvals (org_id, id, environment, agent, service, action, input_hash, input, cost_micros, policy_id, status,
       requested_at, expires_at, requested_by, event_id)
     VALUES (@org, @id, @environment, @agent, @service, @action, @input_hash, @input, @cost_micros, @policy_id, 'pending',
       @requested_at, @expires_at, @requested_by, @event_id)`,
  )
  const useApproval = db.prepare(
    "UPDATE approvals SET used_at = ? WHERE org_id = ? AND id = ? AND status = 'approved' AND used_at IS NULL",
  )
  const createPermit = db.prepare(
    `INSERT INTO permits (org_id, id, environment, agent, service, action, reserved_micros, created_at, expires_at)
     VALUES (@org, @id, @environment, @agent, @service, @action, @reserved_micros, @created_at, @expires_at)`,
  )
  const claimPermit = db.prepare<
    Record<string, unknown>,
    { reserved_micros: number; created_at: number }
  >(
    `DELETE FROM permits WHERE org_id = @org AND id = (SELECT id FROM permits WHERE org_id = @org AND environment = @environment
       AND agent = @agent AND service = @service AND action = @action AND created_at > @live ORDER BY created_at, id LIMIT 1)
     RETURNING reserved_micros, created_at`,
  )
  const dropPermits = db.prepare(
    'DELETE FROM permits WHERE org_id = ? AND environment = ? AND agent = ?',
  )
  const insertAlert = db.prepare(
    `INSERT INTO alerts (org_id, id, environment, agent_name, alert_type, severity, message, metadata, created_at)
     VALUES (@org, @id, @environment, @agent_name, @alert_type, @severity, @message, @metadata, @created_at)`,
  )

  // Compiled per org and version: a change anywhere (any process) moves the version on.
  const cache = new Map<string, OrgControls>()
  return {
    controls(orgId, known) {
      const v = known ?? version.get(orgId)?.control_version ?? 0
      const hit = cache.get(orgId)
      if (hit && hit.version === v) return hit
      const fresh = compileControls(
        v,
        policies.all(orgId).map(policyFromRow),
        budgets.all(orgId).map(budgetFromRow),
        stopped.all(orgId),
      )
      cache.set(orgId, fresh)
      return fresh
    },
    ensureAgent(orgId, environment, name, now) {
      ensureOrg.run(orgId, orgId, now)
      ensureAgent.run(orgId, environment, name, now, now)
    },
    budgetUsage: (orgId, budgetId, periodStart) =>
      usage.get(orgId, budgetId, periodStart) ?? { actions: 0, cost_micros: 0 },
    addBudgetUsage: (orgId, budgetId, periodStart, actions, costMicros) =>
      addUsage.get({
        org: orgId,
        budget: budgetId,
        start: periodStart,
        actions,
        cost: costMicros,
      }) as Counters,
    flagBudget: (orgId, budgetId, periodStart, flag) =>
      flags[flag].run(orgId, budgetId, periodStart).changes === 1,
    rateCount: (orgId, policyId, environment, agent, since) =>
      (rateCount.get(orgId, policyId, environment, agent, since) as { n: number }).n,
    rateHit(orgId, policyId, environment, agent, ts, pruneBefore) {
      ratePrune.run(orgId, policyId, environment, agent, pruneBefore)
      rateHit.run(orgId, policyId, environment, agent, ts)
    },
    findApproval: (orgId, key, now) => findApproval.get({ org: orgId, ...key, now }),
    createApproval(orgId, a) {
      createApproval.run({ org: orgId, ...a })
    },
    useApproval: (orgId, id, now) => useApproval.run(now, orgId, id).changes === 1,
    createPermit(orgId, p) {
      createPermit.run({ org: orgId, ...p })
    },
    // Live permits are the last PERMIT_TTL_MS's: the index walks straight to them, past expired ones
    // (the hourly purge removes those).
    claimPermit: (orgId, key, now) =>
      claimPermit.get({ org: orgId, ...key, live: now - PERMIT_TTL_MS }),
    dropPermits(orgId, environment, agent) {
      dropPermits.run(orgId, environment, agent)
    },
    insertAlert(orgId, a) {
      insertAlert.run({ org: orgId, ...a, metadata: JSON.stringify(a.metadata) })
    },
  }
}
