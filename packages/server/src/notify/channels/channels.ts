import type { Channel, ChannelName } from './channel.js'
import { discordChannel } from './discord.js'
import { emailChannel } from './email.js'
import { pagerdutyChannel } from './pagerduty.js'
import { slackChannel } from './slack.js'

/** Every notification channel, by name. */
export const CHANNELS: { readonly [N in ChannelName]: Channel<any> } = {
  slack: slackChannel,
  discord: discordChannel,
  pagerduty: pagerdutyChannel,
  email: emailChannel,
}

export const isChannelName = (s: string): s is ChannelName => Object.hasOwn(CHANNELS, s)

/** A config as it may be read back: each secret field masked, its last four characters kept. */
export function maskedConfig(
  name: ChannelName,
  config: Record<string, unknown>,
): Record<string, unknown> {
  const out = { ...config }
  for (const field of CHANNELS[name].secretFields as readonly string[]) {
    const v = out[field]
    if (typeof v === 'string') out[field] = v.length > 12 ? `****${v.slice(-4)}` : '****'
  }
  return out
}
