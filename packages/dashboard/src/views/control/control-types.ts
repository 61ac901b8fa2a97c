/** Shapes of the control plane's answers (`/api/v1/policies`, `/budgets`, `/approvals`). */

export const RULE_TYPES = [
  'rate_limit',
  'service_allowlist',
  'service_blocklist',
  'cost_limit_per_action',
  'payload_regex_block',
  'require_approval',
] as const
export type RuleType = (typeof RULE_TYPES)[number]

export interface Policy {
  id: string
  name: string | null
  agent_name: string | null
  environment: string | null
  rule_type: RuleType
  rule_config: Record<string, unknown>
  enabled: boolean
  priority: number
  created_at: string
  updated_at: string
}

export const BUDGET_PERIODS = ['hourly', 'daily', 'weekly', 'monthly'] as const
export type BudgetPeriod = (typeof BUDGET_PERIODS)[number]

export interface Budget {
  id: string
  environment: string
  agent_name: string | null
  period: BudgetPeriod
  max_actions: number | null
  max_cost_cents: number | null
  period_start: string
  period_end: string
  current_actions: number
  current_cost_cents: number
  /** Percent of the limit used, 0..100+ (null without that limit). */
  pct_actions: number | null
  pct_cost: number | null
  status: 'ok' | 'warning' | 'exceeded'
  created_at: string
  updated_at: string
}

export interface ApprovalRequest {
  id: string
  environment: string
  agent_name: string
  service: string | null
  action: string | null
  input_hash: string
  input: unknown
  cost_cents: number | null
  policy_id: string | null
  status: 'pending' | 'approved' | 'denied' | 'expired'
  requested_at: string
  expires_at: string
  requested_by: string | null
  decided_at: string | null
  decided_by: string | null
  decided_by_name: string | null
  note: string | null
  used_at: string | null
  event_id: string | null
}
