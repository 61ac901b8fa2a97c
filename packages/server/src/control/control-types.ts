import type { ControlNote, NewEvent } from '@agenttrail/protocol'
import type { BudgetPeriod } from './budget-period.js'
import type { PolicyRecord } from './policy-rules.js'

/**
 * The control plane's model: what a check asks and what it decides, the records it keeps (agent
 * status, approvals, alerts) and the changes an operator makes. Declared here, in the control
 * plane, and implemented by the stores (store/control-store.ts is the seam that stores them).
 */

/** Who made a control change: the key (and the client's address), recorded on its audit event. */
export interface Actor {
  keyId: string
  keyName: string
  ipAddress: string | null
}

/** Payload text the rules may read before it was redacted: what a check was sent (never stored). */
export type Unredacted = Partial<Record<'input' | 'context', string | null>>

/** How long an allowed check's permit waits for the action's record. */
export const PERMIT_TTL_MS = 15 * 60_000

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
  /** `firing` until resolved; alerts of the control plane (kills, budgets) stay firing. */
  state: 'firing' | 'resolved'
  /** The rule that raised it (null for the control plane's alerts). */
  rule_id: string | null
  /** The series of the rule it is about: JSON of [environment, agent, service]. */
  series: string | null
  /** Every step of its life (alerts/alert-model.ts `AlertTransition`), oldest first. */
  history: Array<Record<string, unknown>>
  updated_at: string
  resolved_at: string | null
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
