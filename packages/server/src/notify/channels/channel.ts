import type { Outbound, OutboundResult } from '../outbound-types.js'
import type { Notification } from '../notification.js'
import type { Mailer } from './mailer.js'

/** What a channel sends through: HTTP for the chat and paging services, SMTP for e-mail. */
export interface ChannelDeps {
  outbound: Outbound
  /** Absent when no SMTP server is configured: every e-mail then fails, permanently. */
  mailer?: Mailer
  /** The PagerDuty Events API v2 endpoint (config `pagerdutyUrl`). */
  pagerdutyUrl: string
}

export type ChannelName = 'slack' | 'discord' | 'pagerduty' | 'email'

export type ParsedConfig<C> = { ok: true; config: C } | { ok: false; error: string }

/**
 * One notification channel: how its configuration is checked, which of its fields are secrets,
 * and how it sends a notification. A send never throws: failures come back as a result, with
 * `permanent` when retrying cannot help.
 */
export interface Channel<C> {
  name: ChannelName
  /** Refuses a bad config with a message naming the field, e.g. `config.webhook_url: must be...`. */
  parseConfig(raw: unknown): ParsedConfig<C>
  /** Fields masked when a config is read back. */
  secretFields: readonly (keyof C & string)[]
  send(config: C, n: Notification, deps: ChannelDeps): Promise<OutboundResult>
}

/**
 * The result of an HTTP answer the way the chat and paging services mean it: 429 and 408 and 5xx
 * are worth retrying, any other 4xx is not (a deleted webhook, a malformed payload). Secrets are
 * replaced wherever a receiver echoed them back.
 */
export function httpOutcome(
  result: OutboundResult,
  success: (status: number) => boolean,
  secrets: readonly string[],
): OutboundResult {
  const status = result.status
  const ok = status !== null && success(status)
  const refused =
    status !== null && status >= 400 && status < 500 && status !== 408 && status !== 429
  const out: OutboundResult = {
    ...result,
    ok,
    responseBody: redact(result.responseBody, secrets),
  }
  if (!ok) {
    const error = result.error ?? `http_${status}: the receiver answered ${status}`
    out.error = redact(error, secrets)
    if (result.permanent === true || refused) out.permanent = true
  }
  return out
}

/** Each secret (at least 8 characters, so a short one cannot blank out ordinary words) as `***`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text
  for (const s of secrets) if (s.length >= 8) out = out.split(s).join('***')
  return out
}

/** A config object, or the error naming what is wrong with it. */
export function configObject(raw: unknown): Record<string, unknown> | string {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    return 'config: must be an object'
  return raw as Record<string, unknown>
}

/**
 * An http(s) webhook URL, at most 2,000 characters. Whether it may be reached (private addresses,
 * loopback) is the outbound sender's decision at connect time, not the config's.
 */
export function webhookUrl(value: unknown, field: string): string | { error: string } {
  const bad = { error: `config.${field}: must be an https URL` }
  if (typeof value !== 'string' || value.length === 0 || value.length > 2000) return bad
  try {
    const url = new URL(value)
    return url.protocol === 'https:' || url.protocol === 'http:' ? value : bad
  } catch {
    return bad
  }
}

/** A webhook URL's secret parts: the whole URL and its path (which carries the token). */
export function urlSecrets(url: string): string[] {
  try {
    const u = new URL(url)
    return [url, `${u.pathname}${u.search}`, ...u.pathname.split('/').filter((p) => p.length >= 16)]
  } catch {
    return [url]
  }
}

/** The config of a channel that posts to a webhook URL (Slack, Discord): `{webhook_url}`. */
export function webhookUrlConfig(raw: unknown): ParsedConfig<{ webhook_url: string }> {
  const c = configObject(raw)
  if (typeof c === 'string') return { ok: false, error: c }
  const url = webhookUrl(c.webhook_url, 'webhook_url')
  if (typeof url !== 'string') return { ok: false, error: url.error }
  return { ok: true, config: { webhook_url: url } }
}
