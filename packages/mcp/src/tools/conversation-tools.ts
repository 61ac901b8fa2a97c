import { z } from 'zod'
import { DEFAULT_MAX_CHARS, LIST_MAX_CHARS, cutFields } from '../compact.js'
import { json, listText } from '../render.js'
import { ToolInputError } from '../tool-error.js'
import { READS, defineTool, maxCharsArg, id, instant, name } from '../trail-tool.js'

const Row = z.record(z.string(), z.unknown())

const moreOfCall = (conversationId: string, eventId: string, max: number) =>
  `call get_call with conversation_id "${conversationId}", event_id "${eventId}" and max_chars above ${max} for more`

export const listConversations = defineTool({
  name: 'list_conversations',
  title: 'List conversations',
  description:
    'Conversations (events sharing a conversation_id), newest activity first: subject, agents, calls, errors, tokens, cost, models and duration of each. Open one with get_conversation.',
  scope: 'read',
  writes: false,
  inputSchema: {
    from: instant('Active at or after this.').optional(),
    to: instant('Active before this.').optional(),
    agent: name('Conversations in which this agent recorded an event.').optional(),
    model: name('Conversations with a call to this model.').optional(),
    environment: name('Only this environment.').optional(),
    limit: z.number().int().min(1).max(50).default(20).describe('Rows per page. Default 20.'),
    cursor: z.string().min(1).max(4096).describe('next_cursor of the previous page.').optional(),
  },
  outputSchema: { conversations: z.array(Row), next_cursor: z.string().nullable() },
  annotations: READS,
  async run(args, { reader }) {
    const answer = await reader.conversations(args)
    const rows = (answer.conversations as Record<string, unknown>[]).map((row) =>
      cutFields(row, LIST_MAX_CHARS, 'open the conversation with get_conversation'),
    )
    const next = (answer.next_cursor as string | null) ?? null
    const line = (r: Record<string, unknown>) =>
      `${String(r.conversation_id)}: "${String(r.subject)}" ${String(r.agent)}, ${String(r.events)} events, ${String(r.errors)} errors, $${String(r.cost_usd)}, last ${String(r.last_event_at)}`
    return {
      structured: { conversations: rows, next_cursor: next },
      text: listText(
        `${rows.length} conversation(s), newest activity first:`,
        rows.map(line),
        next,
      ),
    }
  },
})

export const getConversation = defineTool({
  name: 'get_conversation',
  title: 'Get a conversation',
  description:
    'The timeline of one conversation in order: each call with its kind, status, model, tokens, cost, duration, the tools an LLM call asked for and their results. Paged; values are cut short (get_call shows one call in full).',
  scope: 'read',
  writes: false,
  inputSchema: {
    conversation_id: id('The conversation id.'),
    limit: z.number().int().min(1).max(200).default(50).describe('Events per page. Default 50.'),
    cursor: z.string().min(1).max(4096).describe('next_cursor of the previous page.').optional(),
    max_chars: maxCharsArg(LIST_MAX_CHARS),
  },
  outputSchema: {
    conversation_id: z.string(),
    events: z.array(Row),
    next_cursor: z.string().nullable(),
    last_seq: z.number().nullable().optional(),
  },
  annotations: READS,
  async run({ conversation_id, limit, cursor, max_chars: max }, { reader }) {
    const answer = await reader.conversation(conversation_id, { limit, cursor })
    const events = (answer.events as Record<string, unknown>[]).map((e) =>
      cutFields(e, max, moreOfCall(conversation_id, String(e.id), max)),
    )
    const next = (answer.next_cursor as string | null) ?? null
    const line = (e: Record<string, unknown>) =>
      [
        e.ts,
        e.kind,
        e.status,
        e.model,
        e.tool && (e.tool as { name?: string }).name,
        `id=${String(e.id)}`,
      ]
        .filter((p) => p != null)
        .join(' ')
    return {
      structured: {
        conversation_id,
        events,
        next_cursor: next,
        last_seq: (answer.last_seq as number | null | undefined) ?? null,
      },
      text: listText(
        `Conversation ${conversation_id}: ${events.length} event(s) in order:`,
        events.map(line),
        next,
      ),
    }
  },
})

export const getCall = defineTool({
  name: 'get_call',
  title: 'Get one call in full',
  description:
    'One call of a conversation in full: system prompt, messages, request, response, thinking, tool calls with results, error, tokens, cost, stop reason, duration and rate-limit headers. Give the event id (conversation_id is looked up when left out).',
  scope: 'read',
  writes: false,
  inputSchema: {
    event_id: id('The call’s event id.'),
    conversation_id: id('Its conversation; looked up from the event when left out.').optional(),
    max_chars: maxCharsArg(DEFAULT_MAX_CHARS),
  },
  outputSchema: { conversation_id: z.string(), call: Row },
  annotations: READS,
  async run({ event_id, conversation_id, max_chars: max }, { reader }) {
    const conversationId =
      conversation_id ?? String((await reader.event(event_id)).conversation_id ?? '')
    if (conversationId === '')
      throw new ToolInputError(`Event ${event_id} belongs to no conversation; get_event shows it.`)
    const call = cutFields(
      await reader.call(conversationId, event_id),
      max,
      moreOfCall(conversationId, event_id, max),
    )
    return { structured: { conversation_id: conversationId, call }, text: json(call) }
  },
})
