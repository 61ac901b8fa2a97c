import { z } from 'zod'
import { AgentTrailError } from 'agenttrail'
import type { StoredEvent, TrailReader } from 'agenttrail'
import { LIST_MAX_CHARS } from '../compact.js'
import { ToolInputError } from '../tool-error.js'
import { READS, defineTool, id, name } from '../trail-tool.js'
import { SUMMARY_FIELDS, listRow } from './event-tools.js'

const Row = z.record(z.string(), z.unknown())

/** The `control` field a decision leaves on its event (docs/control.md "What is recorded"). */
interface Control {
  decision?: string
  rule?: string
  reason?: string
  policy_id?: string
  budget_id?: string
}

export const explainDecision = defineTool({
  name: 'explain_decision',
  title: 'Why was an action denied or flagged',
  description:
    'Explain a control decision: the rule, the reason, and the policy or budget that made it. Give an event id, or an agent to explain its latest denied action.',
  scope: 'read',
  writes: false,
  inputSchema: {
    event_id: id('The denied, pending or flagged event.').optional(),
    agent: name('Explain this agent’s latest denied action (when no event_id).').optional(),
    environment: name('With agent: only this environment.').optional(),
  },
  outputSchema: {
    event: Row,
    decision: z
      .string()
      .nullable()
      .describe('denied, approval_required or violation; null when no rule decided on it.'),
    rule: z.string().nullable(),
    reason: z.string().nullable(),
    policy: Row.nullable().describe('The policy that decided, as it is now.'),
    budget: Row.nullable().describe('The budget that decided, as it is now.'),
    explanation: z.string(),
  },
  annotations: READS,
  async run({ event_id, agent, environment }, { reader }) {
    const event = await findEvent(reader, event_id, agent, environment)
    const control = (event.control ?? null) as Control | null
    const policy = control?.policy_id ? await maybe(reader.policy(control.policy_id)) : null
    const budget = control?.budget_id ? await maybe(reader.budget(control.budget_id)) : null
    const structured = {
      event: listRow(event, SUMMARY_FIELDS, LIST_MAX_CHARS),
      decision: control?.decision ?? null,
      rule: control?.rule ?? null,
      reason: control?.reason ?? null,
      policy,
      budget,
      explanation: explain(event, control, policy, budget),
    }
    return { structured, text: structured.explanation }
  },
})

async function findEvent(
  reader: TrailReader,
  eventId: string | undefined,
  agent: string | undefined,
  environment: string | undefined,
): Promise<StoredEvent> {
  if (eventId !== undefined) return reader.event(eventId)
  if (agent === undefined)
    throw new ToolInputError('Give event_id, or agent to explain its latest denied action.')
  const { events } = await reader.events({ agent, environment, status: 'denied', limit: 1 })
  if (events[0] === undefined)
    throw new ToolInputError(
      `No denied action of agent "${agent}" is in the trail${environment ? ` in ${environment}` : ''}. search_events with status error or list_alerts may show what happened.`,
    )
  // The list row is the stored event; fetch it in full for its control field.
  return reader.event(events[0].id)
}

/** The record, or null when it was deleted since the decision (404). */
async function maybe(read: Promise<Record<string, any>>): Promise<Record<string, unknown> | null> {
  try {
    return await read
  } catch (error) {
    if (error instanceof AgentTrailError && error.status === 404) return null
    throw error
  }
}

function explain(
  event: StoredEvent,
  control: Control | null,
  policy: Record<string, unknown> | null,
  budget: Record<string, unknown> | null,
): string {
  const what = `${event.agent ?? '(no agent)'} ${[event.service, event.action].filter(Boolean).join('/')} at ${event.ts} (event ${event.id}, status ${event.status})`
  if (!control?.decision)
    return `No control rule decided on ${what}: it carries no control decision.`
  const verdict =
    control.decision === 'denied'
      ? 'was denied'
      : control.decision === 'violation'
        ? 'was recorded as breaking a rule'
        : control.decision === 'approval_required'
          ? 'is waiting for approval'
          : `got the decision "${control.decision}"`
  const lines = [
    `${what} ${verdict}: ${control.reason ?? 'no reason recorded'} (rule ${control.rule ?? 'unknown'}).`,
  ]
  if (control.policy_id)
    lines.push(
      policy
        ? `Policy ${control.policy_id}${policy.name ? ` "${String(policy.name)}"` : ''}: ${String(policy.rule_type)} ${JSON.stringify(policy.rule_config)}, ${policy.enabled ? 'enabled' : 'disabled'} now.`
        : `Policy ${control.policy_id} has been deleted since.`,
    )
  if (control.budget_id)
    lines.push(
      budget
        ? `Budget ${control.budget_id}: ${String(budget.period)}, max ${String(budget.max_actions ?? '-')} actions, max ${String(budget.max_cost_cents ?? '-')} cents.`
        : `Budget ${control.budget_id} has been deleted since.`,
    )
  return lines.join('\n')
}
