import { z } from 'zod'
import { AppError } from '../../app-error.js'
import { checkOutboundUrl } from '../../notify/outbound.js'
import type { OutboundAllow } from '../../notify/outbound.js'
import type { AttemptRecord, DeliveryRecord } from '../../store/notify-store.js'
import { TOPICS, isTopic } from '../../store/outbox-rows.js'
import type { Topic } from '../../store/outbox-rows.js'

/** Webhooks (and rollback hooks) an org may have: AgentLedger's largest plan allows 50. */
const MAX_HOOKS_PER_ORG = 50
const MAX_URL = 2000
const TOPIC_LIST = TOPICS.join(', ')

/** One event name; an unknown one is named in the error (cut to 64 characters), with the list. */
const TopicSchema = z
  .string({ error: 'must be a string' })
  .superRefine((s, ctx) => {
    if (!isTopic(s))
      ctx.addIssue({
        code: 'custom',
        message: `unknown event "${s.slice(0, 64)}"; one of ${TOPIC_LIST}`,
      })
  })
  .transform((s) => s as Topic)

/** A non-empty list of events, duplicates dropped. */
const EventsSchema = z
  .array(TopicSchema, { error: 'must be an array of event names' })
  .min(1, 'must name at least one event')
  .max(100, 'must name at most 100 events')
  .transform((events) => [...new Set(events)])
  .describe(`Events to receive, any of ${TOPIC_LIST}.`)

const UrlSchema = z
  .string({ error: 'must be a string' })
  .min(1, 'must not be empty')
  .max(MAX_URL, `must be at most ${MAX_URL} characters`)
  .describe(
    'An http or https URL, at most 2,000 characters, not an address in a refused range (loopback, private, link-local, ...).',
  )

const Description = z
  .string({ error: 'must be a string' })
  .max(500, 'must be at most 500 characters')
  .nullable()
  .optional()
const Flag = z.boolean({ error: 'must be true or false' }).optional()
const IdParams = z.object({ id: z.string() })
const IdQuery = z.object({ id: z.string({ error: 'is required' }).min(1, 'is required') })

/** 400 `invalid_destination` naming the field when `url` cannot be a destination. */
function checkDestination(url: string, allow: OutboundAllow, field: string): void {
  const reason = checkOutboundUrl(url, allow)
  if (reason !== undefined)
    throw new AppError('invalid_destination', `${field}: ${reason}`, [
      { path: field, message: reason },
    ])
}

/** 409 `limit_reached` when the org already has `count` hooks of this kind. */
function checkHookLimit(count: number, noun: string): void {
  if (count >= MAX_HOOKS_PER_ORG)
    throw new AppError(
      'limit_reached',
      `an org may have at most ${MAX_HOOKS_PER_ORG} ${noun}; delete one first`,
    )
}

/** 400 when a change body changes nothing. */
function requireSome(body: Record<string, unknown>, fields: readonly string[]): void {
  if (!fields.some((f) => body[f] !== undefined)) {
    const message = `send at least one of ${fields.join(', ')}`
    throw new AppError('validation_failed', `body: ${message}`, [{ path: '', message }])
  }
}

/** A URL as the trail records it: scheme, host and port only (paths carry tokens). */
function auditUrl(url: string | null): string | null {
  if (url === null) return null
  try {
    const u = new URL(url)
    return `${u.protocol}//${u.host}${u.pathname === '/' && u.search === '' ? '/' : '/****'}`
  } catch {
    return '****'
  }
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())

const AttemptSchema = z.object({
  attempt: z.number(),
  status_code: z.number().nullable(),
  ok: z.boolean(),
  duration_ms: z.number(),
  error: z.string().nullable(),
  response_body: z.string().nullable(),
  started_at: z.string(),
})

const DeliverySchema = z
  .object({
    id: z.string().describe('Stable over retries: the `webhook-id` and `X-AgentLedger-Delivery`.'),
    event: z.string(),
    status: z.enum(['pending', 'delivered', 'failed']),
    attempts: z.number(),
    next_attempt_at: z.string().nullable().describe('When pending: the next attempt.'),
    last_status: z.number().nullable(),
    last_error: z.string().nullable(),
    delivered_at: z.string().nullable(),
    created_at: z.string(),
    attempts_log: z.array(AttemptSchema),
  })
  .meta({ id: 'Delivery' })

/** A delivery as the API shows it: ISO times, its attempts oldest first. */
function deliveryView(d: DeliveryRecord & { attempts_log?: AttemptRecord[] }) {
  return {
    id: d.id,
    event: d.topic,
    status: d.status,
    attempts: d.attempts,
    next_attempt_at: d.status === 'pending' ? iso(d.next_attempt_at) : null,
    last_status: d.last_status,
    last_error: d.last_error,
    delivered_at: iso(d.delivered_at),
    created_at: iso(d.created_at) as string,
    attempts_log: (d.attempts_log ?? []).map((a) => ({
      attempt: a.attempt,
      status_code: a.status_code,
      ok: a.ok,
      duration_ms: a.duration_ms,
      error: a.error,
      response_body: a.response_body,
      started_at: a.started_at,
    })),
  }
}

export {
  AttemptSchema,
  DeliverySchema,
  Description,
  EventsSchema,
  Flag,
  IdParams,
  IdQuery,
  MAX_HOOKS_PER_ORG,
  TopicSchema,
  UrlSchema,
  auditUrl,
  checkDestination,
  checkHookLimit,
  deliveryView,
  requireSome,
}
