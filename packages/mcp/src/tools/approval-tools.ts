import { z } from 'zod'
import { LIST_MAX_CHARS, cutFields } from '../compact.js'
import { json, listText } from '../render.js'
import { READS, defineTool, id, name } from '../trail-tool.js'

const Approval = z.record(z.string(), z.unknown())
const how = 'the approval’s event (event_id) has it in full: get_event'

export const listPendingApprovals = defineTool({
  name: 'list_pending_approvals',
  title: 'List pending approvals',
  description:
    'Actions waiting for a person to approve or deny them (a require_approval policy stopped them), newest first: agent, service, action, input, cost, policy and when it expires.',
  scope: 'read',
  writes: false,
  inputSchema: {
    agent: name('Only this agent’s requests.').optional(),
    environment: name('Only this environment.').optional(),
    limit: z.number().int().min(1).max(100).default(20).describe('Default 20.'),
  },
  outputSchema: { approvals: z.array(Approval) },
  annotations: READS,
  async run(args, { reader }) {
    const approvals = (await reader.approvals({ ...args, status: 'pending' })).map((a) =>
      cutFields(a, LIST_MAX_CHARS, how),
    )
    const line = (a: Record<string, unknown>) =>
      `${String(a.agent_name)} ${String(a.service ?? '')}/${String(a.action ?? '')} asked ${String(a.requested_at)}, expires ${String(a.expires_at)} id=${String(a.id)}`
    return {
      structured: { approvals },
      text: listText(`${approvals.length} pending approval(s):`, approvals.map(line)),
    }
  },
})

export const decideApproval = defineTool({
  name: 'decide_approval',
  title: 'Approve or deny an action',
  description:
    'Decide a pending approval: `approved` lets exactly that action through once, `denied` refuses it. Needs the approve scope, and a key other than the one that asked. The decision is recorded in the trail.',
  scope: 'approve',
  writes: true,
  inputSchema: {
    id: id('The approval id (list_pending_approvals).'),
    decision: z.enum(['approved', 'denied']),
    note: z.string().min(1).max(2000).describe('Why, for the record.').optional(),
    decided_by: z.string().min(1).max(200).describe('Who decided, in words.').optional(),
  },
  outputSchema: { approval: Approval },
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false },
  async run({ id: approvalId, decision, note, decided_by }, { trail }) {
    const approval = cutFields(
      await trail().decideApproval(approvalId, decision, { note, decidedBy: decided_by }),
      LIST_MAX_CHARS,
      how,
    )
    return {
      structured: { approval },
      text: `Approval ${approvalId} ${decision}. ${json(approval)}`,
    }
  },
})
