import type {
  AgentControlOutcome,
  AgentStatus,
  ApprovalDecisionInput,
  ApprovalRecord,
} from './control-types.js'

/**
 * What pausing, resuming or killing an agent in `current` state does. Killed is final: resuming or
 * pausing a killed agent is refused (`killed`), killing it again changes nothing. `changed` tells
 * the dialect to write `to`. An agent not seen yet (`undefined`) that is paused or killed is
 * `registered` in that state, so the stop holds from its first check or report on; resuming one
 * is `not_found`.
 */
export function agentTransition(
  current: AgentStatus | undefined,
  to: AgentStatus,
): AgentControlOutcome {
  if (current === undefined)
    return to === 'active' ? { outcome: 'not_found' } : { outcome: 'registered', status: to }
  if (current === 'killed')
    return to === 'killed' ? { outcome: 'unchanged', status: 'killed' } : { outcome: 'killed' }
  return { outcome: current === to ? 'unchanged' : 'changed', status: to }
}

/**
 * What deciding an approval in its current state does: `decide` tells the dialect to run its
 * conditional update (pending and not expired), `expire` to write the expiry it found; the others
 * are answers. The key that asked for an approval may not decide it.
 */
export function approvalTransition(
  current: ApprovalRecord | undefined,
  decision: ApprovalDecisionInput,
): 'not_found' | 'own_request' | 'already_decided' | 'expire' | 'decide' {
  if (!current) return 'not_found'
  if (current.requested_by !== null && current.requested_by === decision.keyId) return 'own_request'
  if (current.status === 'expired') return 'expire'
  if (current.status !== 'pending') return 'already_decided'
  return 'decide'
}
