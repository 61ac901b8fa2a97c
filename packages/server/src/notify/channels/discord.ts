import type { Notification, Severity } from '../notification.js'
import { displayFields } from '../notification.js'
import type { OutboundResult } from '../outbound-types.js'
import type { Channel } from './channel.js'
import { httpOutcome, urlSecrets, webhookUrlConfig } from './channel.js'
import { truncate } from './text-limits.js'

export interface DiscordConfig {
  /** `https://discord.com/api/webhooks/{id}/{token}`. A secret. */
  webhook_url: string
}

/** Discord's embed limits (discord.com/developers/docs/resources/message#embed-object-embed-limits). */
const LIMITS = {
  title: 256,
  description: 4096,
  fields: 25,
  name: 256,
  value: 1024,
  footer: 2048,
  total: 6000,
}

const COLOR: Record<Severity, number> = {
  critical: 0xd92d20,
  error: 0xf2711c,
  warning: 0xf5b400,
  info: 0x2e90fa,
}

/** Characters Discord counts against the 6,000 of a message's embeds. */
export function embedChars(e: {
  title: string
  description: string
  fields: Array<{ name: string; value: string }>
  footer: { text: string }
}): number {
  return (
    e.title.length +
    e.description.length +
    e.footer.text.length +
    e.fields.reduce((sum, f) => sum + f.name.length + f.value.length, 0)
  )
}

/** The Discord message of a notification: one embed within every limit, and no mentions. */
export function discordMessage(n: Notification) {
  const fields = displayFields(n)
    .slice(0, LIMITS.fields)
    .map((f) => ({
      name: truncate(f.name, LIMITS.name) || '-',
      value: truncate(f.value, LIMITS.value) || '-',
      inline: f.value.length <= 40,
    }))
  const embed = {
    title: truncate(n.title, LIMITS.title),
    description: truncate(n.summary, LIMITS.description),
    color: COLOR[n.severity],
    fields,
    timestamp: n.timestamp,
    ...(n.link === null ? {} : { url: n.link }),
    footer: { text: truncate(`AgentTrail · org ${n.orgId}`, LIMITS.footer) },
  }
  // Over the total, the description gives way first, then the last fields.
  const over = embedChars(embed) - LIMITS.total
  if (over > 0)
    embed.description = truncate(embed.description, Math.max(1, embed.description.length - over))
  while (embedChars(embed) > LIMITS.total && embed.fields.length > 0) embed.fields.pop()
  return { username: 'AgentTrail', allowed_mentions: { parse: [] }, embeds: [embed] }
}

/**
 * Discord's 429 body says how long to wait: `retry_after` in seconds (a float), though a 2022
 * report saw milliseconds (discord-api-docs#4722); a value above 1,000 is taken as milliseconds.
 */
export function discordRetryAfter(result: OutboundResult): number | undefined {
  if (result.status !== 429) return result.retryAfterMs
  try {
    const body = JSON.parse(result.responseBody) as { retry_after?: unknown }
    const v = body.retry_after
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0)
      return Math.ceil(v > 1000 ? v : v * 1000)
  } catch {
    // Not JSON (a proxy's page): the header, if any, stands.
  }
  return result.retryAfterMs
}

/** Discord webhooks: 204 (or 200 with `?wait=true`) is success. */
export const discordChannel: Channel<DiscordConfig> = {
  name: 'discord',
  secretFields: ['webhook_url'],
  parseConfig: webhookUrlConfig,
  async send(config, n, deps) {
    const result = await deps.outbound.post({
      url: config.webhook_url,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(discordMessage(n)),
    })
    const outcome = httpOutcome(
      result,
      (s) => s === 204 || s === 200,
      urlSecrets(config.webhook_url),
    )
    const retryAfterMs = discordRetryAfter(result)
    return retryAfterMs === undefined ? outcome : { ...outcome, retryAfterMs }
  },
}
