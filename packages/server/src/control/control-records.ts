import { normalizeEvent, uuidv7 } from '@agenttrail/protocol'
import type { NewEvent } from '@agenttrail/protocol'
import type { NewAlertRow } from './control-ops.js'
import type { Actor, AgentStatus, ApprovalRecord } from './control-types.js'

const PAST = { paused: 'paused', active: 'resumed', killed: 'killed' } as const satisfies Record<
  AgentStatus,
  string
>

function audit(
  action: string,
  title: string,
  environment: string,
  metadata: Record<string, unknown>,
  actor: Actor,
  now: number,
): NewEvent {
  const result = normalizeEvent(
    {
      kind: 'audit',
      status: 'success',
      action,
      user: actor.keyId,
      title,
      environment,
      metadata: { ...metadata, key: { id: actor.keyId, name: actor.keyName } },
    },
    { now, ipAddress: actor.ipAddress },
  )
  if (!result.ok) throw new Error(`the ${action} audit event is not valid`)
  return result.event
}

/**
 * The trail's record of a pause, resume or kill (`agent.paused`, `agent.resumed`, `agent.killed`),
 * written in the transaction that changes the agent's status. Like every audit record it names no
 * agent (the agent is in `metadata`), so no delete of the agent's activity takes it. `change` says
 * whether the status changed, and whether the agent was registered by it (not seen before).
 */
export function agentControlRecord(
  name: string,
  environment: string,
  status: AgentStatus,
  change: { changed: boolean; registered: boolean },
  actor: Actor,
  now: number,
): NewEvent {
  const past = PAST[status]
  const { changed, registered } = change
  return audit(
    `agent.${past}`,
    registered
      ? `Agent ${name} ${past} before it was seen (registered ${past})`
      : changed
        ? `Agent ${name} ${past}`
        : `Agent ${name} ${past} (it already was)`,
    environment,
    { agent: name, environment, status, changed, registered },
    actor,
    now,
  )
}

/** The trail's record of an approval decision (`approval.approved`, `approval.denied`), written in the deciding transaction. */
export function approvalDecisionRecord(a: ApprovalRecord, actor: Actor, now: number): NewEvent {
  const what = [a.service, a.action].filter((x) => x !== null).join('.')
  return audit(
    `approval.${a.status}`,
    `Approval ${a.status} for ${a.agent_name}${what ? ` ${what}` : ''}${a.decided_by_name ? ` by ${a.decided_by_name}` : ''}`,
    a.environment,
    {
      approval_id: a.id,
      agent: a.agent_name,
      service: a.service,
      action: a.action,
      input_hash: a.input_hash,
      requested_by: a.requested_by,
      decided_by_name: a.decided_by_name,
      note: a.note,
    },
    actor,
    now,
  )
}

/** The alert a kill raises (AgentLedger's `agent_killed`, critical). */
export const killedAlert = (environment: string, name: string, now: number): NewAlertRow => ({
  id: uuidv7(now),
  environment,
  agent_name: name,
  alert_type: 'agent_killed',
  severity: 'critical',
  message: `Agent ${name} was killed in ${environment}; every further action is refused`,
  metadata: { agent: name, environment },
  created_at: now,
})

/**
 * The trail's record of an alert (`alert.created`), appended in the transaction that raises it: the
 * alert as stored, under `metadata.alert`, so the stream and the announcements read it from the
 * trail like every other event. System-made: the actor is `system`.
 */
export function alertRecord(orgId: string, a: NewAlertRow): NewEvent {
  const result = normalizeEvent(
    {
      kind: 'audit',
      status: 'success',
      action: 'alert.created',
      user: 'system',
      title: a.message,
      environment: a.environment,
      metadata: {
        alert: {
          id: a.id,
          org_id: orgId,
          agent_id: null,
          agent_name: a.agent_name,
          alert_type: a.alert_type,
          severity: a.severity,
          message: a.message,
          metadata: a.metadata,
          environment: a.environment,
          acknowledged_at: null,
          created_at: new Date(a.created_at).toISOString(),
        },
      },
    },
    { now: a.created_at, ipAddress: null },
  )
  if (!result.ok) throw new Error('the alert.created record is not a valid event')
  return result.event
}
