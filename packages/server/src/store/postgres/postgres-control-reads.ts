import type pg from 'pg'
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
import type { ControlStore } from '../control-store.js'

/** The pool, or a transaction's client when a write reads back what it wrote. */
export type Db = Pick<pg.Pool | pg.PoolClient, 'query'>

export const getPolicy = async (db: Db, orgId: string, id: string) => {
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

export const getBudget = async (db: Db, orgId: string, id: string, now: number) => {
  const { rows } = await db.query<BudgetRow>(
    `SELECT ${BUDGET_COLUMNS} FROM budgets WHERE org_id = $1 AND id = $2`,
    [orgId, id],
  )
  return rows[0] && withUsage(db, orgId, rows[0], now)
}

export const getApproval = async (db: Db, orgId: string, id: string, now: number) => {
  const { rows } = await db.query<ApprovalRow>(
    `SELECT ${APPROVAL_COLUMNS} FROM approvals WHERE org_id = $1 AND id = $2`,
    [orgId, id],
  )
  return rows[0] && approvalFromRow(rows[0], now)
}

/** Control-plane reads on PostgreSQL: from the pool, outside any transaction. */
/** The control store's reads, which run on the pool without the org's lock. */
export type ControlReads = Pick<
  ControlStore,
  | 'listPolicies'
  | 'getPolicy'
  | 'listBudgets'
  | 'getBudget'
  | 'listApprovals'
  | 'getApproval'
  | 'listAlerts'
  | 'getAlert'
>

export function createPostgresControlReads(pool: pg.Pool): ControlReads {
  return {
    async listPolicies(orgId, filter) {
      const { rows } = await pool.query<PolicyRow>(
        `SELECT ${POLICY_COLUMNS} FROM policies WHERE org_id = $1 AND ($2::text IS NULL OR agent_name = $2)
           AND ($3::text IS NULL OR environment = $3 OR environment IS NULL) ORDER BY priority DESC, created_at, id`,
        [orgId, filter.agent_name ?? null, filter.environment ?? null],
      )
      return rows.map(policyFromRow)
    },
    getPolicy: (orgId, id) => getPolicy(pool, orgId, id),

    async listBudgets(orgId, filter, now) {
      const { rows } = await pool.query<BudgetRow>(
        `SELECT ${BUDGET_COLUMNS} FROM budgets WHERE org_id = $1 AND ($2::text IS NULL OR agent_name = $2)
           AND ($3::text IS NULL OR environment = $3) ORDER BY environment, agent_name, period, id`,
        [orgId, filter.agent_name ?? null, filter.environment ?? null],
      )
      return Promise.all(rows.map((row) => withUsage(pool, orgId, row, now)))
    },
    getBudget: (orgId, id, now) => getBudget(pool, orgId, id, now),

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

    async listAlerts(orgId, filter) {
      const { rows } = await pool.query<AlertRow>(
        `SELECT ${ALERT_COLUMNS} FROM alerts WHERE org_id = $1 AND ($2 OR acknowledged_at IS NULL)
           AND ($3::text IS NULL OR environment = $3) AND ($5::text IS NULL OR agent_name = $5)
           AND ($6::text IS NULL OR state = $6) ORDER BY created_at DESC, id DESC LIMIT $4`,
        [
          orgId,
          filter.all,
          filter.environment ?? null,
          filter.limit,
          filter.agent ?? null,
          filter.state ?? null,
        ],
      )
      return rows.map(alertFromRow)
    },
    async getAlert(orgId: string, id: string) {
      const { rows } = await pool.query<AlertRow>(
        `SELECT ${ALERT_COLUMNS} FROM alerts WHERE org_id = $1 AND id = $2`,
        [orgId, id],
      )
      return rows[0] && alertFromRow(rows[0])
    },
  }
}
