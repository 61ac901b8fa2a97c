import type { BudgetRecord, BudgetUsage } from '../control/budget-record.js'
import type { PolicyRecord } from '../control/policy-rules.js'
import type {
  Actor,
  AgentControlOutcome,
  AgentStatus,
  AlertRecord,
  ApprovalDecisionInput,
  ApprovalDecisionOutcome,
  ApprovalRecord,
  ApprovalStatus,
  CheckInput,
  Decision,
  NewBudget,
  NewPolicy,
  PolicyPatch,
} from '../control/control-types.js'

/**
 * The control plane's storage: policies, budgets and their counters, approvals, alerts, agent
 * status, and the decision itself. Every change to what decides (a policy, a budget, an agent's
 * status) moves the org's control version on in the same transaction, so every server process sees
 * it at its next decision. Decisions of one org are serialized across processes (SQLite: the one
 * writer; PostgreSQL: the org row's lock, the one appends take).
 */
export interface ControlStore {
  /**
   * Decides an action before it happens and records what it decided, in one transaction: a refusal
   * is stored as the check's event (status `denied`, or `pending` for an approval request, with
   * `control` saying why); an allowed action takes its place in the budgets and rate windows and
   * leaves a permit that the action's own record settles when it arrives (see docs/control.md).
   */
  check(orgId: string, input: CheckInput): Promise<Decision>
  /** Changes the agent's status and records who did it (`actor`) in the same transaction (control-records.ts). */
  setAgentStatus(
    orgId: string,
    environment: string,
    name: string,
    to: AgentStatus,
    now: number,
    actor: Actor,
  ): Promise<AgentControlOutcome>

  listPolicies(
    orgId: string,
    filter: { agent_name?: string; environment?: string },
  ): Promise<PolicyRecord[]>
  getPolicy(orgId: string, id: string): Promise<PolicyRecord | undefined>
  createPolicy(orgId: string, policy: NewPolicy, now: number): Promise<PolicyRecord>
  updatePolicy(
    orgId: string,
    id: string,
    patch: PolicyPatch,
    now: number,
  ): Promise<PolicyRecord | undefined>
  deletePolicy(orgId: string, id: string): Promise<boolean>

  listBudgets(
    orgId: string,
    filter: { agent_name?: string; environment?: string },
    now: number,
  ): Promise<BudgetUsage[]>
  getBudget(orgId: string, id: string, now: number): Promise<BudgetUsage | undefined>
  /** Creates the budget of (environment, agent, period), or changes its limits: `created` says which. */
  putBudget(
    orgId: string,
    budget: NewBudget,
    now: number,
  ): Promise<{ budget: BudgetUsage; created: boolean }>
  updateBudget(
    orgId: string,
    id: string,
    patch: Partial<Pick<NewBudget, 'max_actions' | 'max_cost_cents'>>,
    now: number,
  ): Promise<BudgetUsage | undefined>
  deleteBudget(orgId: string, id: string): Promise<boolean>
  /** Sets the current period's counters back to zero (an operator's decision, recorded by the caller). */
  resetBudget(orgId: string, id: string, now: number): Promise<BudgetUsage | undefined>

  listApprovals(
    orgId: string,
    filter: { status?: ApprovalStatus; environment?: string; agent?: string; limit: number },
    now: number,
  ): Promise<ApprovalRecord[]>
  getApproval(orgId: string, id: string, now: number): Promise<ApprovalRecord | undefined>
  /** Decides a pending approval and records the decision in the same transaction. */
  decideApproval(
    orgId: string,
    id: string,
    decision: ApprovalDecisionInput,
    now: number,
    actor: Actor,
  ): Promise<ApprovalDecisionOutcome>

  /**
   * Newest first: unacknowledged ones unless `all`, optionally only one environment, agent or
   * state (`firing`: raised and not resolved; `resolved`).
   */
  listAlerts(
    orgId: string,
    filter: {
      all: boolean
      environment?: string
      agent?: string
      state?: 'firing' | 'resolved'
      limit: number
    },
  ): Promise<AlertRecord[]>
  getAlert(orgId: string, id: string): Promise<AlertRecord | undefined>
  /**
   * Removes what no decision can use any more: rate-window entries older than the longest window a
   * policy may have (31 days) and expired permits. Returns how many rows went.
   */
  purge(now: number): Promise<number>
  /** Acknowledges one alert (`id`) or every open one; returns how many changed. */
  acknowledgeAlerts(
    orgId: string,
    target: { id: string } | { all: true },
    now: number,
  ): Promise<number>
}

// The control plane's model, named beside the seam that stores it (declared in control/).
export type {
  Actor,
  AgentControlOutcome,
  AgentStatus,
  AlertRecord,
  ApprovalDecisionInput,
  ApprovalDecisionOutcome,
  ApprovalRecord,
  ApprovalStatus,
  BudgetRecord,
  BudgetUsage,
  CheckInput,
  Decision,
  NewBudget,
  NewPolicy,
  PolicyPatch,
  PolicyRecord,
}
