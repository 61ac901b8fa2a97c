import type Database from 'better-sqlite3'
import type { PolicyRecord } from '../../control/policy-rules.js'
import { budgetPeriod } from '../../control/budget-period.js'
import type { BudgetUsage } from '../../control/budget-record.js'
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
import type { AlertRecord, ApprovalRecord, ControlStore } from '../control-store.js'

/** Control-plane reads of the embedded store, synchronous (the store wraps them; the writer reuses them). */
export function createSqliteControlReads(db: Database.Database) {
  const policies = db.prepare<Record<string, unknown>, PolicyRow>(
    `SELECT ${POLICY_COLUMNS} FROM policies WHERE org_id = @org AND (@agent IS NULL OR agent_name = @agent)
       AND (@env IS NULL OR environment = @env OR environment IS NULL) ORDER BY priority DESC, created_at, id`,
  )
  const policy = db.prepare<[string, string], PolicyRow>(
    `SELECT ${POLICY_COLUMNS} FROM policies WHERE org_id = ? AND id = ?`,
  )
  const budgets = db.prepare<Record<string, unknown>, BudgetRow>(
    `SELECT ${BUDGET_COLUMNS} FROM budgets WHERE org_id = @org AND (@agent IS NULL OR agent_name = @agent)
       AND (@env IS NULL OR environment = @env) ORDER BY environment, agent_name, period, id`,
  )
  const budget = db.prepare<[string, string], BudgetRow>(
    `SELECT ${BUDGET_COLUMNS} FROM budgets WHERE org_id = ? AND id = ?`,
  )
  const usage = db.prepare<[string, string, number], { actions: number; cost_micros: number }>(
    'SELECT actions, cost_micros FROM budget_usage WHERE org_id = ? AND budget_id = ? AND period_start = ?',
  )
  const approvals = db.prepare<Record<string, unknown>, ApprovalRow>(
    `SELECT ${APPROVAL_COLUMNS} FROM approvals WHERE org_id = @org AND (@env IS NULL OR environment = @env)
       AND (@agent IS NULL OR agent = @agent)
       AND (@status IS NULL OR (@status = 'expired' AND (status = 'expired' OR (status = 'pending' AND expires_at <= @now)))
            OR (@status = 'pending' AND status = 'pending' AND expires_at > @now) OR (@status NOT IN ('pending', 'expired') AND status = @status))
     ORDER BY requested_at DESC, id DESC LIMIT @limit`,
  )
  const approval = db.prepare<[string, string], ApprovalRow>(
    `SELECT ${APPROVAL_COLUMNS} FROM approvals WHERE org_id = ? AND id = ?`,
  )
  const alerts = db.prepare<Record<string, unknown>, AlertRow>(
    `SELECT ${ALERT_COLUMNS} FROM alerts WHERE org_id = @org AND (@all = 1 OR acknowledged_at IS NULL)
       AND (@env IS NULL OR environment = @env) AND (@agent IS NULL OR agent_name = @agent)
       AND (@state IS NULL OR state = @state) ORDER BY created_at DESC, id DESC LIMIT @limit`,
  )
  const alert = db.prepare<[string, string], AlertRow>(
    `SELECT ${ALERT_COLUMNS} FROM alerts WHERE org_id = ? AND id = ?`,
  )

  const withUsage = (orgId: string, row: BudgetRow, now: number): BudgetUsage => {
    const b = budgetFromRow(row)
    return budgetWithUsage(b, usage.get(orgId, b.id, budgetPeriod(b.period, now).start), now)
  }
  return {
    listPolicies: (
      orgId: string,
      filter: Parameters<ControlStore['listPolicies']>[1],
    ): PolicyRecord[] =>
      policies
        .all({ org: orgId, agent: filter.agent_name ?? null, env: filter.environment ?? null })
        .map(policyFromRow),
    getPolicy: (orgId: string, id: string): PolicyRecord | undefined => {
      const row = policy.get(orgId, id)
      return row && policyFromRow(row)
    },
    listBudgets: (
      orgId: string,
      filter: Parameters<ControlStore['listBudgets']>[1],
      now: number,
    ): BudgetUsage[] =>
      budgets
        .all({ org: orgId, agent: filter.agent_name ?? null, env: filter.environment ?? null })
        .map((row) => withUsage(orgId, row, now)),
    getBudget: (orgId: string, id: string, now: number): BudgetUsage | undefined => {
      const row = budget.get(orgId, id)
      return row && withUsage(orgId, row, now)
    },
    listApprovals: (
      orgId: string,
      filter: Parameters<ControlStore['listApprovals']>[1],
      now: number,
    ): ApprovalRecord[] =>
      approvals
        .all({
          org: orgId,
          env: filter.environment ?? null,
          agent: filter.agent ?? null,
          status: filter.status ?? null,
          now,
          limit: filter.limit,
        })
        .map((row) => approvalFromRow(row, now)),
    getApproval: (orgId: string, id: string, now: number): ApprovalRecord | undefined => {
      const row = approval.get(orgId, id)
      return row && approvalFromRow(row, now)
    },
    listAlerts: (orgId: string, filter: Parameters<ControlStore['listAlerts']>[1]): AlertRecord[] =>
      alerts
        .all({
          org: orgId,
          all: filter.all ? 1 : 0,
          env: filter.environment ?? null,
          agent: filter.agent ?? null,
          state: filter.state ?? null,
          limit: filter.limit,
        })
        .map(alertFromRow),
    getAlert: (orgId: string, id: string): AlertRecord | undefined => {
      const row = alert.get(orgId, id)
      return row && alertFromRow(row)
    },
  }
}
