import { z } from 'zod'
import { defineTool, id } from '../trail-tool.js'

// Logwick's fifth tool. Admin only here: deleting from an audit trail is the one change that
// removes evidence, so it is itself recorded (an `audit` event the server writes).

export const deleteLog = defineTool({
  name: 'delete_log',
  title: 'Delete a log',
  description:
    'Delete one log entry by id for good (Logwick’s delete_log; admin keys only). The deletion itself is recorded in the trail as an audit event, whose id is answered.',
  scope: 'admin',
  writes: true,
  inputSchema: { id: id('The log (event) id to delete.') },
  outputSchema: {
    deleted: z.literal(true),
    id: z.string(),
    audit_event_id: z.string().describe('The audit event that records the deletion.'),
  },
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true },
  async run({ id: logId }, { trail }) {
    const answer = await trail().deleteEvent(logId)
    const structured = {
      deleted: true as const,
      id: String(answer.id ?? logId),
      audit_event_id: String(answer.audit_event_id),
    }
    return {
      structured,
      text: `Deleted ${structured.id}; the deletion is recorded as audit event ${structured.audit_event_id}.`,
    }
  },
})
