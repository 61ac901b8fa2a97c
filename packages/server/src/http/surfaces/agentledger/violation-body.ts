import { z } from 'zod'
import type { ControlNote } from '@agenttrail/protocol'

export const ViolationSchema = z
  .object({
    logged: z
      .literal(true)
      .describe('The action is in the trail: nothing reported after the fact is dropped.'),
    id: z.string(),
    blocked: z.literal(true).optional(),
    allowed: z
      .literal(false)
      .optional()
      .describe('For a paused or killed agent, as AgentLedger answers it.'),
    reason: z.string(),
    requiresApproval: z.literal(true).optional(),
    policyId: z.string().optional(),
    budgetId: z.string().optional(),
    rule: z.string(),
  })
  .meta({ id: 'AgentLedgerViolation' })

/**
 * AgentLedger's 403 bodies for an action that broke a rule (`{allowed:false, reason}` for a paused
 * or killed agent, `{blocked:true, reason, policyId}` for a policy), told that it was logged anyway.
 * An approval cannot be asked for an action already done, so no `approvalId` is given.
 */
export function violationBody(id: string, note: ControlNote): z.infer<typeof ViolationSchema> {
  const common = { logged: true as const, id, reason: note.reason, rule: note.rule }
  if (note.rule === 'agent_paused' || note.rule === 'agent_killed')
    return { ...common, allowed: false }
  return {
    ...common,
    blocked: true,
    ...(note.rule === 'require_approval' && { requiresApproval: true as const }),
    ...(note.policy_id !== undefined && { policyId: note.policy_id }),
    ...(note.budget_id !== undefined && { budgetId: note.budget_id }),
  }
}
