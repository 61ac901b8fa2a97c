import { z } from 'zod'
import { LIMITS } from './limits.js'
import { ACCEPTED_STATUS_WORDS } from './status.js'
import { isUuid } from './uuid.js'
import { ControlNoteSchema } from './control-note.js'

const short = (what: string) =>
  z
    .string()
    .min(1, `${what} must not be empty`)
    .max(LIMITS.shortString, `${what} must be at most ${LIMITS.shortString} characters`)

const count = z
  .number()
  .int('must be a whole number')
  .min(0, 'must not be negative')
  .max(LIMITS.maxCount)

/** Any JSON value: payload fields keep whatever shape the client sends. */
const json = z.unknown()

/**
 * An event as a client sends it to `POST /api/v1/events`. Every field is optional; unknown top-level
 * fields are accepted and kept under `metadata` (see `normalizeEvent`).
 */
export const EventInputSchema = z
  .looseObject({
    id: z
      .string()
      .refine(isUuid, 'id must be a UUID in canonical lower-case form')
      .optional()
      .describe('Client-generated id (UUID, v7 recommended). Makes the append idempotent.'),
    ts: z
      .union([z.string().max(64), z.number()])
      .optional()
      .describe(
        'When it happened: ISO 8601 with offset, or Unix epoch milliseconds. Default: receive time.',
      ),
    environment: short('environment').optional().describe('Default `production`.'),
    agent: short('agent').optional(),
    user: short('user').optional().describe('The actor: e-mail, user id or `system`.'),
    ip_address: short('ip_address').optional(),
    kind: z
      .string()
      .regex(
        /^[a-z][a-z0-9_.]{0,63}$/,
        'kind must be a lower-case identifier such as llm_call or tool_call',
      )
      .optional()
      .describe(
        '`action` (default), `llm_call`, `tool_call`, `http_call`, `message`, `turn`, `session`, `cron`, `token_usage`, ...',
      ),
    service: short('service').optional(),
    action: short('action').optional(),
    status: z
      .string()
      .optional()
      .describe(
        `One of ${ACCEPTED_STATUS_WORDS.join(', ')} (case-insensitive); stored as success, error, pending or denied. Default success.`,
      ),
    title: z.string().max(LIMITS.title).optional(),
    trace_id: short('trace_id').optional(),
    span_id: short('span_id').optional(),
    parent_span_id: short('parent_span_id').optional(),
    conversation_id: short('conversation_id').optional(),
    provider: short('provider').optional(),
    model: short('model').optional(),
    tokens_input: count.optional(),
    tokens_output: count.optional(),
    tokens_cache_read: count.optional(),
    tokens_cache_write: count.optional(),
    tokens_total: count
      .optional()
      .describe('Default: the sum of input and output tokens when either is given.'),
    cost_usd: z
      .union([z.number().min(0), z.string().max(32)])
      .optional()
      .describe('Exact decimal dollars (number or string), stored as integer micro-dollars.'),
    stop_reason: short('stop_reason').optional(),
    rate_limit: z
      .record(z.string(), json)
      .optional()
      .describe("The provider's rate-limit headers."),
    input: json.optional(),
    output: json.optional(),
    system_prompt: z
      .string()
      .optional()
      .describe('Stored once per org by SHA-256; the event keeps the hash.'),
    system_prompt_sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'system_prompt_sha256 must be 64 lower-case hex digits')
      .optional(),
    messages: json.optional(),
    thinking: z.string().max(LIMITS.thinking).optional(),
    tool_calls: json.optional(),
    error: json.optional(),
    duration_ms: z.number().min(0, 'must not be negative').max(LIMITS.maxCount).optional(),
    tags: z
      .array(z.string().min(1).max(LIMITS.tag))
      .max(LIMITS.tags, `at most ${LIMITS.tags} tags`)
      .optional(),
    metadata: z.record(z.string(), json).optional(),
    context: z.record(z.string(), json).optional(),
  })
  .meta({ id: 'EventInput' })

export type EventInput = z.infer<typeof EventInputSchema>

/** Names of the fields `EventInputSchema` declares; anything else goes under `metadata`. */
export const EVENT_INPUT_FIELDS: ReadonlySet<string> = new Set(Object.keys(EventInputSchema.shape))

export const BatchInputSchema = z
  .object({
    events: z
      .array(z.unknown())
      .min(1, 'events must hold at least one event')
      .max(LIMITS.batchEvents, `events may hold at most ${LIMITS.batchEvents} events`),
  })
  .meta({ id: 'BatchInput' })

/** An event as stored and returned. Absent values are `null`. */
export const EventSchema = z
  .object({
    id: z.string(),
    org_id: z.string(),
    seq: z.number().int().describe('Per-org, gap-free, in commit order.'),
    environment: z.string(),
    idempotency_key: z.string().nullable(),
    ts: z.string().describe('ISO 8601, UTC, millisecond precision.'),
    received_at: z.string(),
    agent: z.string().nullable(),
    user: z.string().nullable(),
    ip_address: z.string().nullable(),
    kind: z.string(),
    service: z.string().nullable(),
    action: z.string().nullable(),
    status: z.enum(['success', 'error', 'pending', 'denied']),
    title: z.string().nullable(),
    trace_id: z.string().nullable(),
    span_id: z.string().nullable(),
    parent_span_id: z.string().nullable(),
    conversation_id: z.string().nullable(),
    provider: z.string().nullable(),
    model: z.string().nullable(),
    tokens_input: z.number().nullable(),
    tokens_output: z.number().nullable(),
    tokens_cache_read: z.number().nullable(),
    tokens_cache_write: z.number().nullable(),
    tokens_total: z.number().nullable(),
    cost_usd: z.number().nullable(),
    cost_source: z.string().nullable(),
    stop_reason: z.string().nullable(),
    rate_limit: z.record(z.string(), z.unknown()).nullable(),
    input: z.unknown(),
    output: z.unknown(),
    system_prompt_sha256: z.string().nullable(),
    messages: z.unknown(),
    thinking: z.string().nullable(),
    tool_calls: z.unknown(),
    error: z.unknown(),
    duration_ms: z.number().nullable(),
    tags: z.array(z.string()),
    metadata: z.record(z.string(), z.unknown()),
    context: z.record(z.string(), z.unknown()).nullable(),
    control: ControlNoteSchema.nullable().describe(
      'Set by the server when the control plane refused the action (`denied`), asked for an approval, or recorded it as breaking a rule (`violation`); never taken from the client.',
    ),
  })
  .meta({ id: 'Event' })

export type Event = z.infer<typeof EventSchema>

export const AppendReceiptSchema = z
  .object({
    id: z.string(),
    seq: z.number().int(),
    received_at: z.string(),
    control: ControlNoteSchema.optional().describe(
      'Present when the action broke a rule of the control plane: it is recorded all the same, with this note (docs/control.md).',
    ),
  })
  .meta({ id: 'AppendReceipt' })

export type AppendReceipt = z.infer<typeof AppendReceiptSchema>
