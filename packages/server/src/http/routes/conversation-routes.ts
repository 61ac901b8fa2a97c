import { z } from 'zod'
import { AppError } from '../../app-error.js'
import { requestedCallIds, toCallDetail } from '../../conversations/call-detail.js'
import { requestedIds, toTimelineItem } from '../../conversations/timeline-item.js'
import { resultsById } from '../../conversations/tool-calls.js'
import {
  decodeConversationCursor,
  decodeTimelineCursor,
  encodeConversationCursor,
  encodeTimelineCursor,
} from '../../store/conversation-cursor.js'
import type { Store } from '../../store/store.js'
import { ErrorBodySchema } from '../openapi.js'
import type { Router } from '../router.js'
import {
  CallDetailSchema,
  ConversationSchema,
  ConversationsQuerySchema,
  TimelineItemSchema,
  TimelineQuerySchema,
} from './conversation-schemas.js'

const NO_CONVERSATION = 'no conversation with this id in your org'

/**
 * The conversation-centric view of the trail (reference: API Logs): the activity log, one
 * conversation's timeline, and the full detail of one call. Read-only, native error bodies.
 */
export function conversationRoutes(router: Router, store: Store): void {
  router.add(
    {
      method: 'get',
      path: '/api/v1/conversations',
      tag: 'conversations',
      scope: 'read',
      summary: 'The activity log: one row per conversation',
      description:
        'Events that share a `conversation_id`, aggregated: subject, agent, calls, tokens, cost, time span, models, errors. Newest activity (last event) first; pass `next_cursor` back as `cursor`.',
      query: ConversationsQuerySchema,
      responses: {
        200: {
          description: 'A page of conversations',
          schema: z.object({
            conversations: z.array(ConversationSchema),
            next_cursor: z.string().nullable(),
          }),
        },
        400: { description: 'A bad parameter or cursor', schema: ErrorBodySchema },
      },
    },
    async (c, { query: q, key }) => {
      if (q.from !== undefined && q.to !== undefined && q.from >= q.to)
        throw new AppError('invalid_query', 'from must be earlier than to')
      const after = q.cursor === undefined ? undefined : decodeConversationCursor(q.cursor)
      const filter = {
        from: q.from,
        to: q.to,
        agent: q.agent,
        model: q.model,
        environment: q.environment,
      }
      const page = await store.conversations.list(key.org_id, filter, {
        limit: q.limit,
        after,
      })
      return c.json({
        conversations: page.items,
        next_cursor: page.next ? encodeConversationCursor(page.next) : null,
      })
    },
  )

  router.add(
    {
      method: 'get',
      path: '/api/v1/conversations/{id}/timeline',
      tag: 'conversations',
      scope: 'read',
      summary: 'Every event of one conversation, oldest first',
      description:
        'In order of `ts`, then `seq`. Page with `next_cursor`; the pages are one snapshot. To follow a live conversation, poll with `since` = the `last_seq` of the last answer: you get what was committed since, whatever its `ts`.',
      params: z.object({ id: z.string() }),
      query: TimelineQuerySchema,
      responses: {
        200: {
          description: 'A page of the timeline',
          schema: z.object({
            conversation_id: z.string(),
            events: z.array(TimelineItemSchema),
            next_cursor: z.string().nullable(),
            last_seq: z.number().describe('Poll with since = this for what comes next.'),
          }),
        },
        400: { description: 'A bad parameter or cursor', schema: ErrorBodySchema },
        404: { description: 'No event of this conversation in your org', schema: ErrorBodySchema },
      },
    },
    async (c, { params: { id }, query: q, key }) => {
      if (q.cursor !== undefined && q.since !== undefined)
        throw new AppError(
          'invalid_query',
          'send either since or cursor: a cursor already carries since',
        )
      const orgId = key.org_id
      const cursor = q.cursor === undefined ? undefined : decodeTimelineCursor(q.cursor)
      const since = cursor?.since ?? q.since ?? 0
      const page = await store.conversations.timeline(orgId, id, {
        since,
        upTo: cursor?.upTo,
        after: cursor,
        limit: q.limit,
      })
      if (!page) throw new AppError('not_found', NO_CONVERSATION)
      const results = resultsById(
        await store.conversations.toolResults(orgId, id, requestedIds(page.items)),
      )
      return c.json({
        conversation_id: id,
        events: page.items.map((e) => toTimelineItem(e, results)),
        next_cursor: page.next
          ? encodeTimelineCursor({ ...page.next, since, upTo: page.lastSeq })
          : null,
        last_seq: page.lastSeq,
      })
    },
  )

  router.add(
    {
      method: 'get',
      path: '/api/v1/conversations/{id}/calls/{eventId}',
      tag: 'conversations',
      scope: 'read',
      summary: 'The full detail of one call',
      description:
        'System prompt text (stored once per org by SHA-256), request messages, response and its text, thinking, tool calls with inputs, results and durations, error, tokens, cost, stop reason and the provider’s rate-limit headers.',
      params: z.object({ id: z.string(), eventId: z.string() }),
      responses: {
        200: { description: 'The call', schema: CallDetailSchema },
        404: {
          description: 'No such event in this conversation of your org',
          schema: ErrorBodySchema,
        },
      },
    },
    async (c, { params: { id, eventId }, key }) => {
      const orgId = key.org_id
      const event = await store.events.get(orgId, eventId)
      if (!event || event.conversation_id !== id)
        throw new AppError('not_found', 'no event with this id in this conversation of your org')
      const [prompt, results] = await Promise.all([
        event.system_prompt_sha256 === null
          ? undefined
          : store.conversations.systemPrompt(orgId, event.system_prompt_sha256),
        store.conversations.toolResults(orgId, id, requestedCallIds(event)),
      ])
      return c.json(toCallDetail({ ...event, conversation_id: id }, prompt, results))
    },
  )
}
