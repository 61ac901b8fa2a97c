import { z } from 'zod'

/** The six policy rule types (AgentLedger's). */
export const RULE_TYPES = [
  'rate_limit',
  'service_allowlist',
  'service_blocklist',
  'cost_limit_per_action',
  'payload_regex_block',
  'require_approval',
] as const
export type RuleType = (typeof RULE_TYPES)[number]

/** The rule behind a control decision: an agent's state, a budget, or one of the six policy types. */
export const CONTROL_RULES = ['agent_paused', 'agent_killed', 'budget', ...RULE_TYPES] as const
export type ControlRule = (typeof CONTROL_RULES)[number]

/**
 * What the control plane decided about an event, stored on it. `denied`: a check refused the action
 * before it happened (the event is the record of that refusal). `approval_required`: a check asked
 * for a human decision. `violation`: the action was reported after it happened and broke a rule; it
 * is recorded all the same.
 */
export const ControlNoteSchema = z
  .object({
    decision: z.enum(['denied', 'approval_required', 'violation']),
    rule: z.enum(CONTROL_RULES),
    reason: z
      .string()
      .describe(
        'The sentence the client was given, e.g. `Policy: Rate limit exceeded (10/10 in 60s)`.',
      ),
    policy_id: z.string().optional(),
    budget_id: z.string().optional(),
    approval_id: z.string().optional(),
  })
  .meta({ id: 'ControlNote' })

export type ControlNote = z.infer<typeof ControlNoteSchema>
