import type { ControlNote, NewEvent } from '@agenttrail/protocol'
import type { BudgetRecord, BudgetUsage } from '../control/budget-record.js'
import type { BudgetPeriod } from '../control/budget-period.js'
import type { PolicyRecord } from '../control/policy-rules.js'
import type { Unredacted } from '../control/engine.js'
import type { Actor } from '../control/control-records.js'

export type AgentStatus = 'active' | 'paused' | 'killed'
export type ApprovalStatus = 'pending' | 'approved' | 'denied' | 'expired'

/** What a check decided: AgentLedger's `CheckResult`, plus what the native API adds. */
export interface Decision {
  allowed: boolean
  blockReason?: string
  requiresApproval?: boolean
  approvalId?: string
  policyId?: string
  budgetId?: string
  /** The rule that refused the action. */
  rule?: ControlNote['rule']
  /** What is left of the agent's tightest budgets after this action: `{}` without budgets. */
  remainingBudget: { actions?: number; costCents?: number }
  /** The id of the event that records a refusal (absent when allowed). */
  eventId?: string
}

export interface CheckInput {
  /**
   * The action as an event, already normalized and redacted (status `denied`): stored when the check
   * refuses it or asks for an approval, and the source of the agent, service, action, environment,
   * input and cost the rules look at.
   */
  event: NewEvent & { agent: string }
  /** The key that asked, recorded on an approval it causes (that key may not decide it). */
  keyId: string
  /** Lifetime of a new approval, ms. */
  approvalTtlMs: number
  /**
   * The payload as sent, before secret redaction (JSON text), for payload rules only: a rule meant
   * to stop a secret from leaving must see it. Never stored.
   */
  unredacted?: Unredacted
}

export interface ApprovalRecord {
  id: string
  environment: string
  agent_name: string
  service: string | null
  action: string | null
  /** SHA-256 of the action's input as stored (empty input: of the empty string). */
  input_hash: string
  input: unknown
  cost_cents: number | null
  policy_id: string | null
  /** `expired` when still pending past `expires_at`. */
  status: ApprovalStatus
  requested_at: string
  expires_at: string
  requested_by: string | null
  decided_at: string | null
  /** The key that decided. */
  decided_by: string | null
  /** The person the decider named (`decided_by` in AgentLedger's body), if any. */
  decided_by_name: string | null
  note: string | null
  /** When the approved action used it; an approval lets one action through. */
  used_at: string | null
  /** The event recording the request. */
  event_id: string | null
}

export interface ApprovalDecisionInput {
  status: 'approved' | 'denied'
  keyId: string
  name: string | null
  note: string | null
}

export type ApprovalDecisionOutcome =
  | { outcome: 'decided'; approval: ApprovalRecord }
  | { outcome: 'not_found' }
  | { outcome: 'already_decided'; approval: ApprovalRecord }
  | { outcome: 'expired'; approval: ApprovalRecord }
  | { outcome: 'own_request'; approval: ApprovalRecord }

export interface AlertRecord {
  id: string
  environment: string
  agent_name: string | null
  alert_type: string
  severity: 'info' | 'warning' | 'critical'
  message: string
  metadata: Record<string, unknown>
  acknowledged_at: string | null
  created_at: string
}

/** A policy as created: the record without what the server assigns. */
export type NewPolicy = Omit<PolicyRecord, 'id' | 'created_at' | 'updated_at'>

export type PolicyPatch = Partial<NewPolicy>

export interface NewBudget {
  environment: string
  agent_name: string | null
  period: BudgetPeriod
  max_actions: number | null
  max_cost_cents: number | null
}

export type AgentControlOutcome =
  | { outcome: 'changed' | 'unchanged'; status: AgentStatus }
  /** The agent was not seen yet: it is registered in the paused or killed state. */
  | { outcome: 'registered'; status: Exclude<AgentStatus, 'active'> }
  | { outcome: 'not_found' }
  | { outcome: 'killed' }

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

  listAlerts(
    orgId: string,
    filter: { all: boolean; environment?: string; limit: number },
  ): Promise<AlertRecord[]>
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

export type { BudgetRecord, BudgetUsage, PolicyRecord }
