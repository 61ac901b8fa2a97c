import type { Notification } from '../notification.js'
import { displayFields } from '../notification.js'
import type { Channel } from './channel.js'
import { configObject } from './channel.js'
import type { MailMessage } from './mailer.js'
import { truncate } from './text-limits.js'

export type { Mailer, MailerOptions, MailMessage } from './mailer.js'
export { createMailer, mailConfigured } from './mailer.js'

export interface EmailConfig {
  /** One address or a comma-separated list (at most 20), stored trimmed and joined by `, `. */
  email: string
}

/** Most recipients of one channel: a list, not a mailing service. */
const MAX_RECIPIENTS = 20
/**
 * A plain `local@domain.tld` address: no display names, quotes, spaces or line breaks, so nothing
 * can be smuggled into a header.
 */
const ADDRESS =
  /^[^\s@<>()[\]\\,;:"]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+$/

export const recipientsOf = (config: EmailConfig): string[] =>
  config.email.split(',').map((a) => a.trim())

const escapeHtml = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')

/** Subject lines are one line: any line break in a title becomes a space. */
const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ')

const COLOR = { critical: '#d92d20', error: '#f2711c', warning: '#b58100', info: '#2e90fa' }

/** The e-mail of a notification: a text part and an HTML part in which every value is escaped. */
export function emailMessage(to: readonly string[], n: Notification): MailMessage {
  const fields = displayFields(n)
  const text = [
    n.title,
    '',
    n.summary,
    '',
    ...fields.map((f) => `${f.name}: ${f.value}`),
    `Time: ${n.timestamp}`,
    `Org: ${n.orgId}`,
    ...(n.link === null ? [] : ['', n.link]),
  ].join('\n')
  const rows = [...fields, { name: 'Time', value: n.timestamp }, { name: 'Org', value: n.orgId }]
    .map(
      (f) =>
        `<tr><th align="left" style="padding:2px 12px 2px 0">${escapeHtml(f.name)}</th><td>${escapeHtml(f.value)}</td></tr>`,
    )
    .join('')
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif">',
    `<h2 style="color:${COLOR[n.severity]}">${escapeHtml(n.title)}</h2>`,
    `<p>${escapeHtml(n.summary)}</p>`,
    `<table>${rows}</table>`,
    n.link === null ? '' : `<p><a href="${escapeHtml(n.link)}">Open in AgentTrail</a></p>`,
    '</body></html>',
  ].join('')
  return { to, subject: truncate(oneLine(`[AgentTrail] ${n.title}`), 200), text, html }
}

/** E-mail over the server's SMTP settings; without them each send fails, permanently. */
export const emailChannel: Channel<EmailConfig> = {
  name: 'email',
  secretFields: [],
  parseConfig(raw) {
    const c = configObject(raw)
    if (typeof c === 'string') return { ok: false, error: c }
    if (typeof c.email !== 'string' || c.email.trim() === '')
      return {
        ok: false,
        error: 'config.email: must be an e-mail address or a comma-separated list',
      }
    const list = recipientsOf({ email: c.email })
    if (list.length > MAX_RECIPIENTS)
      return { ok: false, error: `config.email: at most ${MAX_RECIPIENTS} addresses` }
    const bad = list.findIndex((a) => a.length > 254 || !ADDRESS.test(a))
    if (bad !== -1)
      return { ok: false, error: `config.email: entry ${bad + 1} is not an e-mail address` }
    return { ok: true, config: { email: list.join(', ') } }
  },
  async send(config, n, deps) {
    if (deps.mailer === undefined)
      return {
        ok: false,
        status: null,
        durationMs: 0,
        responseBody: '',
        error: 'smtp_not_configured: set AGENTTRAIL_SMTP_URL and AGENTTRAIL_SMTP_FROM',
        permanent: true,
      }
    return deps.mailer.send(emailMessage(recipientsOf(config), n))
  },
}
