import type Database from 'better-sqlite3'
import { uuidv7 } from '@agenttrail/protocol'
import type { ControlOps } from '../../control/control-ops.js'
import { runOps } from '../../control/control-ops.js'
import { budgetPeriod } from '../../control/budget-period.js'
import {
  agentControlRecord,
  approvalDecisionRecord,
  killedAlert,
  alertRecord,
} from '../../control/control-records.js'
import type { Enforcement } from '../../control/enforcement.js'
import { MAX_WINDOW_SECONDS } from '../../control/policy-rules.js'
import type { PolicyRecord } from '../../control/policy-rules.js'
import type { BudgetUsage } from '../../control/budget-record.js'
import type {
  Actor,
  AgentControlOutcome,
  AgentStatus,
  ApprovalDecisionInput,
  ApprovalDecisionOutcome,
  ApprovalRecord,
  CheckInput,
  Decision,
  NewBudget,
  NewPolicy,
  PolicyPatch,
} from '../../control/control-types.js'
import type { AppendItem, AppendOutcome } from '../store.js'
import { agentTransition, approvalTransition } from '../../control/control-transitions.js'
import { createSqliteControlReads } from './sqlite-control-reads.js'

/**
 * Control-plane writes of the embedded store, run by the one writer (see sqlite-writes.ts): each is
 * one transaction, and every change to what decides moves the org's control version on.
 */
export function createSqliteControlWrites(
  db: Database.Database,
  ops: ControlOps,
  append: (items: readonly AppendItem[]) => AppendOutcome[],
  enforce: Enforcement,
) {
  const reads = createSqliteControlReads(db)
  const ensureOrg = db.prepare('INSERT OR IGNORE INTO orgs (id, name, created_at) VALUES (?, ?, ?)')
  const bump = db.prepare('UPDATE orgs SET control_version = control_version + 1 WHERE id = ?')
  const insertPolicy = db.prepare(
    `INSERT INTO policies (org_id, id, name, agent_name, environment, rule_type, rule_config, enabled, priority, created_at, updated_at)
     VALUES (@org, @id, @name, @agent_name, @environment, @rule_type, @rule_config, @enabled, @priority, @now, @now)`,
  )
  const updatePolicy = db.prepare(
    `UPDATE policies SET name = @name, agent_name = @agent_name, environment = @environment, rule_type = @rule_type,
       rule_config = @rule_config, enabled = @enabled, priority = @priority, updated_at = @now WHERE org_id = @org AND id = @id`,
  )
  const deletePolicy = db.prepare('DELETE FROM policies WHERE org_id = ? AND id = ?')
  const deleteRateHits = db.prepare('DELETE FROM rate_hits WHERE org_id = ? AND policy_id = ?')
  const findBudget = db.prepare<[string, string, string, string], { id: string }>(
    'SELECT id FROM budgets WHERE org_id = ? AND environment = ? AND agent_name = ? AND period = ?',
  )
  const insertBudget = db.prepare(
    `INSERT INTO budgets (org_id, id, environment, agent_name, period, max_actions, max_cost_cents, created_at, updated_at)
     VALUES (@org, @id, @environment, @agent_name, @period, @max_actions, @max_cost_cents, @now, @now)`,
  )
  const updateBudget = db.prepare(
    'UPDATE budgets SET max_actions = @max_actions, max_cost_cents = @max_cost_cents, updated_at = @now WHERE org_id = @org AND id = @id',
  )
  const deleteBudget = db.prepare('DELETE FROM budgets WHERE org_id = ? AND id = ?')
  const deleteUsage = db.prepare('DELETE FROM budget_usage WHERE org_id = ? AND budget_id = ?')
  const resetUsage = db.prepare(
    'DELETE FROM budget_usage WHERE org_id = ? AND budget_id = ? AND period_start = ?',
  )
  const agentStatus = db.prepare<[string, string, string], { status: AgentStatus }>(
    'SELECT status FROM agents WHERE org_id = ? AND environment = ? AND name = ?',
  )
  const setStatus = db.prepare(
    'UPDATE agents SET status = ? WHERE org_id = ? AND environment = ? AND name = ?',
  )
  // An agent paused or killed before it was seen: registered in that state, counts zero.
  const registerAs = db.prepare(
    `INSERT INTO agents (org_id, environment, name, first_seen, last_seen, events, errors, tokens_total, cost_micros, status)
     VALUES (?, ?, ?, ?, ?, 0, 0, 0, 0, ?)`,
  )
  const decide = db.prepare(
    `UPDATE approvals SET status = @status, decided_at = @now, decided_by = @key, decided_by_name = @name, note = @note
     WHERE org_id = @org AND id = @id AND status = 'pending' AND expires_at > @now`,
  )
  const expire = db.prepare(
    "UPDATE approvals SET status = 'expired' WHERE org_id = ? AND id = ? AND status = 'pending' AND expires_at <= ?",
  )
  const purgeHits = db.prepare('DELETE FROM rate_hits WHERE ts < ?')
  const purgePermits = db.prepare('DELETE FROM permits WHERE expires_at <= ?')
  const ackOne = db.prepare(
    'UPDATE alerts SET acknowledged_at = ? WHERE org_id = ? AND id = ? AND acknowledged_at IS NULL',
  )
  const ackAll = db.prepare(
    'UPDATE alerts SET acknowledged_at = ? WHERE org_id = ? AND acknowledged_at IS NULL',
  )

  const policyParams = (orgId: string, id: string, p: NewPolicy, now: number) => ({
    org: orgId,
    id,
    ...p,
    rule_config: JSON.stringify(p.rule_config),
    enabled: p.enabled ? 1 : 0,
    now,
  })

  // Many checks in one transaction (one fsync), decided one after the other: each sees the last.
  const check = db.transaction(
    (items: ReadonlyArray<{ orgId: string; input: CheckInput }>): Decision[] =>
      items.map(({ orgId, input }) => {
        const { decision, records } = runOps(enforce.check(orgId, input, Date.now()), ops)
        if (records.length > 0)
          append(records.map((r) => ({ orgId, event: r.event, system: r.system })))
        return decision
      }),
  )

  const createPolicy = db.transaction((orgId: string, p: NewPolicy, now: number): PolicyRecord => {
    const id = uuidv7(now)
    ensureOrg.run(orgId, orgId, now)
    insertPolicy.run(policyParams(orgId, id, p, now))
    bump.run(orgId)
    return reads.getPolicy(orgId, id) as PolicyRecord
  })

  const patchPolicy = db.transaction(
    (orgId: string, id: string, patch: PolicyPatch, now: number): PolicyRecord | undefined => {
      const current = reads.getPolicy(orgId, id)
      if (!current) return undefined
      const { id: _id, created_at: _c, updated_at: _u, ...fields } = current
      updatePolicy.run(policyParams(orgId, id, { ...fields, ...patch }, now))
      bump.run(orgId)
      return reads.getPolicy(orgId, id)
    },
  )

  const removePolicy = db.transaction((orgId: string, id: string): boolean => {
    if (deletePolicy.run(orgId, id).changes === 0) return false
    deleteRateHits.run(orgId, id)
    bump.run(orgId)
    return true
  })

  const putBudget = db.transaction(
    (orgId: string, b: NewBudget, now: number): { budget: BudgetUsage; created: boolean } => {
      const agent = b.agent_name ?? ''
      const existing = findBudget.get(orgId, b.environment, agent, b.period)
      const id = existing?.id ?? uuidv7(now)
      ensureOrg.run(orgId, orgId, now)
      if (existing)
        updateBudget.run({
          org: orgId,
          id,
          max_actions: b.max_actions,
          max_cost_cents: b.max_cost_cents,
          now,
        })
      else insertBudget.run({ org: orgId, id, ...b, agent_name: agent, now })
      bump.run(orgId)
      return { budget: reads.getBudget(orgId, id, now) as BudgetUsage, created: !existing }
    },
  )

  const patchBudget = db.transaction(
    (
      orgId: string,
      id: string,
      patch: Partial<Pick<NewBudget, 'max_actions' | 'max_cost_cents'>>,
      now: number,
    ) => {
      const current = reads.getBudget(orgId, id, now)
      if (!current) return undefined
      updateBudget.run({
        org: orgId,
        id,
        max_actions: current.max_actions,
        max_cost_cents: current.max_cost_cents,
        ...patch,
        now,
      })
      bump.run(orgId)
      return reads.getBudget(orgId, id, now)
    },
  )

  const removeBudget = db.transaction((orgId: string, id: string): boolean => {
    if (deleteBudget.run(orgId, id).changes === 0) return false
    deleteUsage.run(orgId, id)
    bump.run(orgId)
    return true
  })

  const resetBudget = db.transaction(
    (orgId: string, id: string, now: number): BudgetUsage | undefined => {
      const current = reads.getBudget(orgId, id, now)
      if (!current) return undefined
      resetUsage.run(orgId, id, budgetPeriod(current.period, now).start)
      return reads.getBudget(orgId, id, now)
    },
  )

  const setAgentStatus = db.transaction(
    (
      orgId: string,
      environment: string,
      name: string,
      to: AgentStatus,
      now: number,
      actor: Actor,
    ): AgentControlOutcome => {
      const outcome = agentTransition(agentStatus.get(orgId, environment, name)?.status, to)
      if (outcome.outcome === 'not_found' || outcome.outcome === 'killed') return outcome
      const registered = outcome.outcome === 'registered'
      const changed = outcome.outcome !== 'unchanged'
      append([
        {
          orgId,
          event: agentControlRecord(
            name,
            environment,
            outcome.status,
            { changed, registered },
            actor,
            now,
          ),
          system: true,
        },
      ])
      if (!changed) return outcome
      if (registered) {
        ensureOrg.run(orgId, orgId, now)
        registerAs.run(orgId, environment, name, now, now, to)
      } else setStatus.run(to, orgId, environment, name)
      bump.run(orgId)
      // What checks allowed before the pause or kill does not stand: later reports are judged anew.
      if (to !== 'active') ops.dropPermits(orgId, environment, name)
      if (to === 'killed') {
        const alert = killedAlert(environment, name, now)
        ops.insertAlert(orgId, alert)
        append([{ orgId, event: alertRecord(orgId, alert), system: true }])
      }
      return outcome
    },
  )

  const decideApproval = db.transaction(
    (
      orgId: string,
      id: string,
      d: ApprovalDecisionInput,
      now: number,
      actor: Actor,
    ): ApprovalDecisionOutcome => {
      const current = reads.getApproval(orgId, id, now)
      const step = approvalTransition(current, d)
      if (step === 'not_found' || !current) return { outcome: 'not_found' }
      if (step === 'own_request' || step === 'already_decided')
        return { outcome: step, approval: current }
      if (step === 'expire') {
        expire.run(orgId, id, now)
        return { outcome: 'expired', approval: reads.getApproval(orgId, id, now) as ApprovalRecord }
      }
      decide.run({
        org: orgId,
        id,
        status: d.status,
        now,
        key: d.keyId,
        name: d.name,
        note: d.note,
      })
      const approval = reads.getApproval(orgId, id, now) as ApprovalRecord
      append([{ orgId, event: approvalDecisionRecord(approval, actor, now), system: true }])
      return { outcome: 'decided', approval }
    },
  )

  return {
    controlCheck: (items: ReadonlyArray<{ orgId: string; input: CheckInput }>): Decision[] =>
      check(items),
    setAgentStatus: (
      orgId: string,
      environment: string,
      name: string,
      to: AgentStatus,
      now: number,
      actor: Actor,
    ): AgentControlOutcome => setAgentStatus(orgId, environment, name, to, now, actor),
    createPolicy: (orgId: string, p: NewPolicy, now: number): PolicyRecord =>
      createPolicy(orgId, p, now),
    updatePolicy: (
      orgId: string,
      id: string,
      patch: PolicyPatch,
      now: number,
    ): PolicyRecord | undefined => patchPolicy(orgId, id, patch, now),
    deletePolicy: (orgId: string, id: string): boolean => removePolicy(orgId, id),
    putBudget: (
      orgId: string,
      b: NewBudget,
      now: number,
    ): { budget: BudgetUsage; created: boolean } => putBudget(orgId, b, now),
    updateBudget: (
      orgId: string,
      id: string,
      patch: Partial<Pick<NewBudget, 'max_actions' | 'max_cost_cents'>>,
      now: number,
    ): BudgetUsage | undefined => patchBudget(orgId, id, patch, now),
    deleteBudget: (orgId: string, id: string): boolean => removeBudget(orgId, id),
    resetBudget: (orgId: string, id: string, now: number): BudgetUsage | undefined =>
      resetBudget(orgId, id, now),
    decideApproval: (
      orgId: string,
      id: string,
      d: ApprovalDecisionInput,
      now: number,
      actor: Actor,
    ): ApprovalDecisionOutcome => decideApproval(orgId, id, d, now, actor),
    purgeControl: (now: number): number =>
      purgeHits.run(now - MAX_WINDOW_SECONDS * 1000).changes + purgePermits.run(now).changes,
    acknowledgeAlerts: (
      orgId: string,
      target: { id: string } | { all: true },
      now: number,
    ): number =>
      ('id' in target ? ackOne.run(now, orgId, target.id) : ackAll.run(now, orgId)).changes,
  }
}
