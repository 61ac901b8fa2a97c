import type { FieldIssue } from '../../error-codes.js'
import { LIMITS } from '../../limits.js'

/** The status words of AgentWarden's `POST /sdk/log` (shared/reference/002), in its order. */
export const AGENTWARDEN_STATUSES = ['success', 'failed', 'pending', 'denied'] as const
export type AgentWardenStatus = (typeof AGENTWARDEN_STATUSES)[number]

/** The messages of AgentWarden's per-field 400 body. The first two are documented word for word. */
export const AGENTWARDEN_FIELD_MESSAGES = {
  required: 'This field is required',
  status: `Must be one of: ${AGENTWARDEN_STATUSES.join(', ')}`,
  string: 'Must be a string',
  blank: 'This field may not be blank',
  long: `Ensure this field has no more than ${LIMITS.shortString} characters`,
  object: 'Must be an object',
} as const

/** A valid `POST /sdk/log` body. */
export interface AgentWardenLog {
  agent_id: string
  action: string
  status: AgentWardenStatus
  context: Record<string, unknown> | null
  ip_address: string | null
}

export type AgentWardenMapResult =
  | { ok: true; log: AgentWardenLog; event: Record<string, unknown> }
  | { ok: false; issues: FieldIssue[] }

const KNOWN = new Set(['agent_id', 'action', 'status', 'context', 'ip_address'])

/**
 * Checks a `POST /sdk/log` body field by field (every problem at once, as AgentWarden answers) and
 * maps it onto a native event: `agent_id` → `agent`, kind `action`, the status word as sent (the
 * core keeps `failed` as `error` with `metadata.original_status`). Other fields go to `metadata`.
 */
export function eventFromAgentWardenLog(body: Record<string, unknown>): AgentWardenMapResult {
  const issues: FieldIssue[] = []
  const fail = (path: string, message: string) => issues.push({ path, message })
  const name = (field: 'agent_id' | 'action'): string | undefined => {
    const value = body[field]
    if (value === undefined || value === null)
      return void fail(field, AGENTWARDEN_FIELD_MESSAGES.required)
    if (typeof value !== 'string') return void fail(field, AGENTWARDEN_FIELD_MESSAGES.string)
    if (value.trim() === '') return void fail(field, AGENTWARDEN_FIELD_MESSAGES.blank)
    if (value.length > LIMITS.shortString) return void fail(field, AGENTWARDEN_FIELD_MESSAGES.long)
    return value
  }
  const agentId = name('agent_id')
  const action = name('action')
  const status = body.status
  if (status === undefined || status === null) fail('status', AGENTWARDEN_FIELD_MESSAGES.required)
  else if (!(AGENTWARDEN_STATUSES as readonly unknown[]).includes(status))
    fail('status', AGENTWARDEN_FIELD_MESSAGES.status)
  const context = body.context ?? null
  if (context !== null && (typeof context !== 'object' || Array.isArray(context)))
    fail('context', AGENTWARDEN_FIELD_MESSAGES.object)
  const ip = body.ip_address ?? null
  if (ip !== null && typeof ip !== 'string') fail('ip_address', AGENTWARDEN_FIELD_MESSAGES.string)
  else if (typeof ip === 'string' && ip.length > LIMITS.shortString)
    fail('ip_address', AGENTWARDEN_FIELD_MESSAGES.long)
  if (issues.length > 0 || agentId === undefined || action === undefined)
    return { ok: false, issues }

  const log: AgentWardenLog = {
    agent_id: agentId,
    action,
    status: status as AgentWardenStatus,
    context: context as Record<string, unknown> | null,
    ip_address: ip === '' ? null : (ip as string | null),
  }
  const extra = Object.fromEntries(Object.entries(body).filter(([key]) => !KNOWN.has(key)))
  const event: Record<string, unknown> = {
    kind: 'action',
    agent: log.agent_id,
    action: log.action,
    status: log.status,
  }
  if (log.context !== null) event.context = log.context
  if (log.ip_address !== null) event.ip_address = log.ip_address
  if (Object.keys(extra).length > 0) event.metadata = extra
  return { ok: true, log, event }
}
