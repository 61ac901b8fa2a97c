import { z } from 'zod'
import { AppError } from '../../app-error.js'
import { CHANNELS, maskedConfig } from '../../notify/channels/channels.js'
import type { ChannelName } from '../../notify/channels/channel.js'
import type { PublishDeps } from '../../notify/publisher.js'
import type { SubscriptionRecord } from '../../store/notify-store.js'
import { EventsSchema, Flag, checkDestination } from './publish-schemas.js'
import { strictBody } from './strict-body.js'

const NAMES = Object.keys(CHANNELS) as [ChannelName, ...ChannelName[]]
const ChannelSchema = z.enum(NAMES, {
  error: (issue) =>
    issue.input === undefined
      ? `is required: one of ${NAMES.join(', ')}`
      : `must be one of ${NAMES.join(', ')}`,
})
const ConfigInput = z
  .unknown()
  .describe(
    'slack and discord `{webhook_url}`, pagerduty `{routing_key}`, email `{email}` (up to 20 addresses, comma-separated). Replaced whole on a change.',
  )

export const NewNotificationSchema = strictBody({
  channel: ChannelSchema,
  config: ConfigInput,
  events: EventsSchema,
  active: Flag.describe('Default true.'),
}).meta({ id: 'NewNotification' })

const patchFields = {
  events: EventsSchema.optional(),
  config: ConfigInput.optional(),
  active: Flag.describe('true re-enables (the failure count starts again at 0); false disables.'),
  enabled: Flag.describe('The same as `active`.'),
}
export const NotificationPatchSchema = strictBody(patchFields).meta({ id: 'NotificationPatch' })
export const NotificationPatchByKeySchema = strictBody({
  id: z.string().min(1, 'must not be empty').optional(),
  channel: ChannelSchema.optional().describe('Instead of `id`: the org’s channel of this kind.'),
  ...patchFields,
}).meta({ id: 'NotificationPatchByKey' })
export type NotificationPatchBody = z.infer<typeof NotificationPatchSchema>

export const SettingSchema = z
  .object({
    id: z.string(),
    channel: z.enum(NAMES),
    config: z
      .record(z.string(), z.unknown())
      .describe(
        'Secret fields (webhook URLs, routing keys) masked: `****` and their last 4 characters.',
      ),
    events: z.array(z.string()),
    active: z.boolean(),
    failure_count: z.number(),
    disabled_reason: z.string().nullable(),
    last_triggered_at: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'NotificationSetting' })
export type SettingView = z.infer<typeof SettingSchema>

/**
 * A channel's config checked: its own rules (the error names the field), webhook URLs not in a
 * refused range, and e-mail only when the server can send it. Returns the config to store.
 */
export function parseChannelConfig(
  channel: ChannelName,
  raw: unknown,
  publish: Pick<PublishDeps, 'allow' | 'mailConfigured'>,
): Record<string, unknown> {
  if (channel === 'email' && !publish.mailConfigured)
    throw new AppError(
      'smtp_not_configured',
      'e-mail channels need an SMTP server: the operator sets AGENTTRAIL_SMTP_URL and AGENTTRAIL_SMTP_FROM',
    )
  const parsed = CHANNELS[channel].parseConfig(raw)
  if (!parsed.ok) {
    const colon = parsed.error.indexOf(':')
    const path = colon > 0 ? parsed.error.slice(0, colon) : 'config'
    const message = colon > 0 ? parsed.error.slice(colon + 1).trim() : parsed.error
    throw new AppError('validation_failed', parsed.error, [{ path, message }])
  }
  const config = parsed.config as Record<string, unknown>
  if (typeof config.webhook_url === 'string')
    checkDestination(config.webhook_url, publish.allow, 'config.webhook_url')
  return config
}

/** A channel as the API shows it: its config opened and its secret fields masked. */
export function settingView(s: SubscriptionRecord, open: (sealed: string) => string): SettingView {
  const channel = s.channel as ChannelName
  const config = s.config === null ? {} : (JSON.parse(open(s.config)) as Record<string, unknown>)
  return {
    id: s.id,
    channel,
    config: maskedConfig(channel, config),
    events: s.topics,
    active: s.enabled,
    failure_count: s.failure_count,
    disabled_reason: s.disabled_reason,
    last_triggered_at: s.last_triggered_at,
    created_at: s.created_at,
    updated_at: s.updated_at,
  }
}
