import { z } from 'zod'
import { LIMITS, parseTimeBound } from '@agenttrail/protocol'

/**
 * A range bound: `YYYY-MM-DD` (a whole UTC day: `from` its start, `to` its end, so `to` includes the
 * day) or an ISO 8601 date-time with a zone (`to` exclusive). Parsed strictly (calendar-time.ts) to
 * Unix ms, `to` exclusive.
 */
export const dayOrTime = (bound: 'from' | 'to') =>
  z
    .string()
    .transform((text, ctx) => {
      const ms = parseTimeBound(text, { dayEnd: bound === 'to' })
      if (ms === undefined) {
        ctx.addIssue({
          code: 'custom',
          message:
            'must be a date (YYYY-MM-DD) or an ISO 8601 date-time with a zone, such as 2026-05-03T14:00:00Z',
        })
        return z.NEVER
      }
      return ms
    })
    .meta({
      type: 'string',
      description: `YYYY-MM-DD (a whole UTC day${bound === 'to' ? ', included' : ''}) or ISO 8601 date-time.`,
    })

const text = z.string().min(1).max(LIMITS.shortString)

export const ConversationsQuerySchema = z.object({
  from: dayOrTime('from')
    .optional()
    .describe('Conversations active at or after this: their last event is not earlier.'),
  to: dayOrTime('to')
    .optional()
    .describe('Conversations that started before the end of this day (or this instant).'),
  agent: text.optional().describe('Conversations in which this agent recorded any event.'),
  model: text.optional().describe('Conversations in which any call used this model.'),
  environment: text.optional().describe('Only this environment’s events count.'),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(200)
    .default(50)
    .describe('Rows per page. Default 50, at most 200.'),
  cursor: z.string().optional().describe('`next_cursor` of the previous page.'),
})

export const TimelineQuerySchema = z.object({
  since: z
    .string()
    .regex(/^\d{1,15}$/, 'must be a whole number: the last_seq of an earlier answer')
    .transform(Number)
    .optional()
    .describe(
      'Only events committed after this seq (`last_seq` of an earlier answer): what is new since then.',
    ),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(LIMITS.pageRows)
    .default(200)
    .describe(`Events per page. Default 200, at most ${LIMITS.pageRows}.`),
  cursor: z
    .string()
    .optional()
    .describe('`next_cursor` of the previous page (it carries `since`).'),
})

const Tokens = z.object({
  input: z.number(),
  output: z.number(),
  cached: z.number(),
  cache_write: z.number(),
  total: z.number(),
})
const EventTokens = z
  .object({
    input: z.number().nullable(),
    output: z.number().nullable(),
    cached: z
      .number()
      .nullable()
      .describe('Tokens read from the prompt cache (`tokens_cache_read`).'),
    cache_write: z.number().nullable(),
    total: z.number().nullable(),
  })
  .meta({ id: 'EventTokens' })
const Http = z
  .object({
    method: z.string().nullable(),
    url: z.string().nullable(),
    status: z.number().nullable(),
  })
  .meta({ id: 'HttpCall' })
const Tool = z.object({ call_id: z.string().nullable(), name: z.string().nullable() }).nullable()
const Status = z.enum(['success', 'error', 'pending', 'denied'])

export const ConversationSchema = z
  .object({
    conversation_id: z.string(),
    subject: z
      .string()
      .nullable()
      .describe('metadata.subject, else the first user message, else the first title.'),
    agent: z.string().nullable(),
    agents: z.array(z.string()),
    environment: z.string(),
    models: z.array(z.string()),
    calls: z.object({ llm: z.number(), tool: z.number(), http: z.number(), total: z.number() }),
    events: z.number(),
    errors: z.number(),
    tokens: Tokens,
    cost_usd: z.number(),
    started_at: z.string(),
    ended_at: z.string(),
    duration_ms: z.number(),
    last_event_at: z.string(),
  })
  .meta({ id: 'Conversation' })

export const ToolCallSchema = z
  .object({
    id: z.string().nullable(),
    name: z.string().nullable(),
    input: z.unknown(),
    result: z.unknown(),
    status: Status.nullable(),
    error: z.unknown(),
    duration_ms: z.number().nullable(),
    result_event_id: z.string().nullable(),
  })
  .meta({ id: 'ToolCall' })

export const TimelineItemSchema = z
  .object({
    id: z.string(),
    seq: z.number(),
    ts: z.string(),
    kind: z.string(),
    status: Status,
    agent: z.string().nullable(),
    title: z.string().nullable(),
    service: z.string().nullable(),
    action: z.string().nullable(),
    provider: z.string().nullable(),
    model: z.string().nullable(),
    trace_id: z.string().nullable(),
    span_id: z.string().nullable(),
    parent_span_id: z.string().nullable(),
    tokens: EventTokens,
    cost_usd: z.number().nullable(),
    duration_ms: z.number().nullable(),
    stop_reason: z.string().nullable(),
    tools_called: z.array(ToolCallSchema),
    tool: Tool,
    http: Http.nullable(),
    input: z.unknown(),
    output: z.unknown(),
    error: z.unknown(),
    has_thinking: z.boolean(),
    system_prompt_sha256: z.string().nullable(),
  })
  .meta({ id: 'TimelineItem' })

export const CallDetailSchema = z
  .object({
    id: z.string(),
    seq: z.number(),
    conversation_id: z.string(),
    ts: z.string(),
    kind: z.string(),
    status: Status,
    agent: z.string().nullable(),
    environment: z.string(),
    provider: z.string().nullable(),
    model: z.string().nullable(),
    title: z.string().nullable(),
    trace_id: z.string().nullable(),
    span_id: z.string().nullable(),
    parent_span_id: z.string().nullable(),
    system_prompt: z.object({ sha256: z.string(), text: z.string().nullable() }).nullable(),
    messages: z.unknown(),
    request: z.unknown(),
    response: z.unknown(),
    response_text: z.string().nullable(),
    thinking: z.string().nullable(),
    tool_calls: z.array(ToolCallSchema),
    tool: Tool,
    http: Http.nullable(),
    error: z.unknown(),
    tokens: EventTokens,
    cost_usd: z.number().nullable(),
    cost_source: z.string().nullable(),
    stop_reason: z.string().nullable(),
    duration_ms: z.number().nullable(),
    rate_limit: z.record(z.string(), z.unknown()).nullable(),
  })
  .meta({ id: 'CallDetail' })
