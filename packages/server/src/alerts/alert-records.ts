import type { NewEvent } from '@agenttrail/protocol'
import { normalizeEvent } from '@agenttrail/protocol'
import type { AlertTransition, AlertUpsert } from '../store/alert-model.js'

/**
 * The trail's action for each step of an alert's life. Firing is `alert.created` and resolving is
 * `alert.resolved`, the two that are announced (webhooks, channels, `alert.new` on the stream); an
 * escalation is `alert.escalated`, announced as `alert.created` with the new severity under the
 * same alert id. The other steps are recorded and not announced.
 */
export const TRANSITION_ACTIONS: Record<AlertTransition['state'], string> = {
  pending: 'alert.pending',
  firing: 'alert.created',
  escalated: 'alert.escalated',
  recovering: 'alert.recovering',
  refiring: 'alert.refiring',
  resolved: 'alert.resolved',
  cleared: 'alert.cleared',
}

/**
 * The audit event of one step: system-made, titled with the alert's message, carrying the alert as
 * it stands after the step under `metadata.alert` (the shape of `GET /api/v1/alerts`) and the step
 * under `metadata.transition`. Never names an agent (the agent is in the alert), so the record
 * stays out of the agent's own activity and counters.
 */
export function transitionRecord(
  orgId: string,
  alert: AlertUpsert,
  transition: AlertTransition,
  now: number,
): NewEvent {
  const result = normalizeEvent(
    {
      kind: 'audit',
      status: 'success',
      action: TRANSITION_ACTIONS[transition.state],
      user: 'system',
      title: transition.state === 'resolved' ? `Resolved: ${alert.message}` : alert.message,
      ...(alert.environment !== '' && { environment: alert.environment }),
      metadata: {
        alert: {
          id: alert.id,
          org_id: orgId,
          agent_id: null,
          agent_name: alert.agent_name,
          alert_type: alert.alert_type,
          severity: alert.severity,
          message: alert.message,
          metadata: alert.metadata,
          environment: alert.environment,
          state: alert.state,
          rule_id: alert.rule_id,
          series: alert.series,
          acknowledged_at: null,
          created_at: new Date(alert.created_at).toISOString(),
          updated_at: new Date(alert.updated_at).toISOString(),
          resolved_at:
            alert.resolved_at === null ? null : new Date(alert.resolved_at).toISOString(),
        },
        transition,
      },
    },
    { now, ipAddress: null },
  )
  if (!result.ok) throw new Error(`the ${transition.state} alert record is not a valid event`)
  return result.event
}
