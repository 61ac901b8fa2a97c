import type { Notification } from '../notification.js'
import { displayFields } from '../notification.js'
import type { Channel } from './channel.js'
import { httpOutcome, urlSecrets, webhookUrlConfig } from './channel.js'
import { truncate, truncateEscaped } from './text-limits.js'

export interface SlackConfig {
  /** An incoming-webhook URL, `https://hooks.slack.com/services/T…/B…/…`. A secret. */
  webhook_url: string
}

/** Slack's mrkdwn needs only these three escaped (api.slack.com, "Escaping text"). */
const escapeMrkdwn = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
const mrkdwn = (s: string, max: number) => truncateEscaped(s, max, escapeMrkdwn)

/** Block Kit limits: section text 3000, 10 fields of 2000 per section, header 150. */
const SECTION_MAX = 3000
const FIELDS_PER_SECTION = 10
const FIELD_MAX = 2000
const HEADER_MAX = 150
/** Past four sections of fields the rest would drown the message. */
const MAX_FIELDS = 40

const EMOJI = {
  critical: ':red_circle:',
  error: ':large_orange_circle:',
  warning: ':warning:',
  info: ':information_source:',
}

/** The Slack message of a notification: fallback text plus header, fields, summary, context, link. */
export function slackMessage(n: Notification): { text: string; blocks: unknown[] } {
  const fields = displayFields(n).slice(0, MAX_FIELDS)
  const fieldSections: unknown[] = []
  for (let i = 0; i < fields.length; i += FIELDS_PER_SECTION)
    fieldSections.push({
      type: 'section',
      fields: fields.slice(i, i + FIELDS_PER_SECTION).map((f) => ({
        type: 'mrkdwn',
        text: mrkdwn(`*${f.name}*\n${f.value}`, FIELD_MAX),
      })),
    })
  const blocks: unknown[] = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: truncate(`[AgentTrail] ${n.title}`, HEADER_MAX),
        emoji: true,
      },
    },
    {
      type: 'section',
      text: { type: 'mrkdwn', text: `${EMOJI[n.severity]} ${mrkdwn(n.summary, SECTION_MAX - 30)}` },
    },
    ...fieldSections,
    {
      type: 'context',
      elements: [{ type: 'mrkdwn', text: mrkdwn(`${n.timestamp} · org ${n.orgId}`, SECTION_MAX) }],
    },
  ]
  if (n.link !== null)
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `<${escapeMrkdwn(n.link)}|Open in AgentTrail>` },
    })
  return { text: mrkdwn(`[AgentTrail] ${n.title}: ${n.summary}`, SECTION_MAX), blocks }
}

/** Slack incoming webhooks: 200 with the body `ok` is success; 429 carries `Retry-After`. */
export const slackChannel: Channel<SlackConfig> = {
  name: 'slack',
  secretFields: ['webhook_url'],
  parseConfig: webhookUrlConfig,
  async send(config, n, deps) {
    const result = await deps.outbound.post({
      url: config.webhook_url,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(slackMessage(n)),
    })
    return httpOutcome(result, (s) => s === 200, urlSecrets(config.webhook_url))
  },
}
