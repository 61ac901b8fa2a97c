import { z } from 'zod'
import type { SubscriptionRecord } from '../../store/notify-store.js'
import { Description, EventsSchema, Flag, UrlSchema } from './publish-schemas.js'
import { strictBody } from './strict-body.js'

export const NewWebhookSchema = strictBody({
  url: UrlSchema,
  events: EventsSchema.optional().describe('Default: every event.'),
  description: Description,
}).meta({ id: 'NewWebhook' })

const patchFields = {
  url: UrlSchema.optional(),
  events: EventsSchema.optional(),
  description: Description,
  active: Flag.describe('true re-enables (the failure count starts again at 0); false disables.'),
  enabled: Flag.describe('The same as `active`.'),
}
export const WebhookPatchSchema = strictBody(patchFields).meta({ id: 'WebhookPatch' })
export const WebhookPatchWithIdSchema = strictBody({
  id: z.string({ error: 'is required' }).min(1, 'is required'),
  ...patchFields,
}).meta({ id: 'WebhookPatchWithId' })
export type WebhookPatchBody = z.infer<typeof WebhookPatchSchema>

export const WebhookSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.string()),
    active: z.boolean(),
    description: z.string().nullable(),
    last_triggered_at: z.string().nullable(),
    failure_count: z.number().describe('Deliveries that failed in a row; disabled at 10.'),
    disabled_reason: z
      .enum(['gone', 'failures', 'operator'])
      .nullable()
      .describe('`gone`: the receiver answered 410; `failures`: 10 failed deliveries in a row.'),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'Webhook' })

export const CreatedWebhookSchema = WebhookSchema.extend({
  secret: z
    .string()
    .describe('The signing secret, `whsec_` + base64 of 32 bytes: shown only here.'),
}).meta({ id: 'CreatedWebhook' })

export type WebhookView = z.infer<typeof WebhookSchema>

/** A webhook as the API shows it: never its secret. */
export function webhookView(s: SubscriptionRecord): WebhookView {
  return {
    id: s.id,
    url: s.url ?? '',
    events: s.topics,
    active: s.enabled,
    description: s.description,
    last_triggered_at: s.last_triggered_at,
    failure_count: s.failure_count,
    disabled_reason: s.disabled_reason as WebhookView['disabled_reason'],
    created_at: s.created_at,
    updated_at: s.updated_at,
  }
}
