/** Shapes of the settings endpoints' answers (see `/api/openapi.json`, tags keys to org). */

/** The key scopes the server knows (`SCOPES` in the server's store.ts). */
export const SCOPES = ['ingest', 'read', 'control', 'approve', 'admin'] as const
export type Scope = (typeof SCOPES)[number]

/** What each scope allows, shown beside its checkbox. */
export const SCOPE_HINTS: Record<Scope, string> = {
  ingest: 'send events and checks',
  read: 'read events, stats and settings',
  control: 'pause, resume and kill agents; policies and budgets',
  approve: 'approve and deny approvals',
  admin: 'everything, keys and webhooks included',
}

/**
 * The events a webhook or channel can receive, as the server announces them (`TOPICS` in the
 * server's outbox-rows.ts; an unknown name is refused with 400, so a drift shows at once).
 */
export const TOPICS = [
  'action.logged',
  'action.error',
  'batch.logged',
  'agent.paused',
  'agent.resumed',
  'agent.killed',
  'budget.warning',
  'budget.exceeded',
  'alert.created',
  'alert.resolved',
  'approval.requested',
  'approval.decided',
  'policy.violation',
] as const

/** A rollback hook's triggers. */
export const TRIGGERS = ['agent.killed', 'budget.exceeded'] as const

export interface ApiKey {
  id: string
  name: string
  description: string | null
  key_prefix: string
  scopes: Scope[]
  created_at: string
  last_used_at: string | null
  revoked_at: string | null
  rotated_from: string | null
}

/** A created or rotated key: its secret is in this answer only. */
export type NewApiKey = ApiKey & { key: string }

export interface Webhook {
  id: string
  url: string
  events: string[]
  active: boolean
  description: string | null
  last_triggered_at: string | null
  failure_count: number
  disabled_reason: 'gone' | 'failures' | 'operator' | null
  created_at: string
  updated_at: string
}

export interface Attempt {
  attempt: number
  status_code: number | null
  ok: boolean
  duration_ms: number
  error: string | null
  response_body: string | null
  started_at: string
}

export interface Delivery {
  id: string
  event: string
  status: 'pending' | 'delivered' | 'failed'
  attempts: number
  next_attempt_at: string | null
  last_status: number | null
  last_error: string | null
  delivered_at: string | null
  created_at: string
  attempts_log: Attempt[]
}

export const CHANNELS = ['slack', 'discord', 'pagerduty', 'email'] as const
export type ChannelName = (typeof CHANNELS)[number]

export interface NotificationSetting {
  id: string
  channel: ChannelName
  config: Record<string, unknown>
  events: string[]
  active: boolean
  failure_count: number
  disabled_reason: string | null
  last_triggered_at: string | null
  created_at: string
  updated_at: string
}

export interface RollbackHook {
  id: string
  url: string
  agent_name: string | null
  triggers: string[]
  enabled: boolean
  rollback_config: Record<string, unknown> | null
  failure_count: number
  disabled_reason: string | null
  last_triggered_at: string | null
  created_at: string
  updated_at: string
}

export interface RollbackExecution {
  id: string
  rollback_hook_id: string
  trigger_reason: string
  response_status: number | null
  response_body: string | null
  success: boolean
  duration_ms: number
  error: string | null
  created_at: string
}

export interface Plan {
  name: string
  logs_per_month: number | null
  retention_days: number | null
  requests_per_minute: number | null
}

export interface OrgSettings {
  plan: Plan
  require_registered_agents: boolean
  redaction: { enabled: boolean; field_names: string[]; allow_field_names: string[] }
}

export interface OrgUsage {
  plan: Plan
  month: string
  period: { from: string; to: string }
  logs: { used: number; limit: number | null; remaining: number | null }
}
