/** Shapes of the API answers the dashboard reads (see `/api/openapi.json`). */

export interface Counts {
  events: number
  errors: number
  tokens_total: number
  cost_usd: number
}

export interface Stats {
  from: string
  to: string
  bucket: 'hour' | 'day'
  totals: { events: number; success: number; error: number; pending: number; denied: number }
  rates: { success: number; error: number; pending: number; denied: number }
  latency_ms: { avg: number | null; p50: number | null; p95: number | null }
  tokens: { input: number; output: number; cache_read: number; cache_write: number; total: number }
  cost_usd: number
  by_agent: (Counts & { agent: string | null })[]
  by_model: (Counts & { model: string | null })[]
  by_service: (Counts & { service: string | null })[]
  series: (Counts & { start: string })[]
}

export interface Agent {
  name: string
  guid: string
  environment: string
  status: 'active' | 'paused' | 'killed'
  first_seen: string
  last_seen: string
  events: number
  errors: number
  tokens_total: number
  cost_usd: number
}

export interface Alert {
  id: string
  environment: string
  agent_name: string | null
  alert_type: string
  severity: 'info' | 'warning' | 'critical'
  message: string
  metadata: Record<string, unknown>
  acknowledged: boolean
  acknowledged_at: string | null
  created_at: string
  state: string
  rule_id: string | null
  series: string | null
  history: {
    state: string
    at: string
    severity: string
    value: number | null
    window: { from: string; to: string }
  }[]
  updated_at: string
  resolved_at: string | null
}

export interface Approval {
  id: string
  status: 'pending' | 'approved' | 'denied' | 'expired'
  [field: string]: unknown
}
