import nodemailer from 'nodemailer'
import type { OutboundResult } from '../outbound-types.js'

/** One e-mail as the channel writes it. */
export interface MailMessage {
  to: readonly string[]
  subject: string
  text: string
  html: string
}

/** Sends e-mail over SMTP; a send never throws, it answers like an outbound request. */
export interface Mailer {
  send(message: MailMessage): Promise<OutboundResult>
  close(): void
}

export interface MailerOptions {
  /** `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://user:pass@host:465`. */
  smtpUrl: string
  /** The sender, e.g. `AgentTrail <alerts@example.com>`. */
  from: string
  /** Connect, greeting and idle limit of one conversation. Default 15,000 ms. */
  timeoutMs?: number
}

/** Whether e-mail can be sent: both `AGENTTRAIL_SMTP_URL` and `AGENTTRAIL_SMTP_FROM` are set. */
export const mailConfigured = (config: { smtpUrl?: string; smtpFrom?: string }): boolean =>
  Boolean(config.smtpUrl) && Boolean(config.smtpFrom)

/** Why a send failed, in the result's terms: SMTP replies 5xx are permanent, 4xx and the rest not. */
function failure(err: unknown, started: number): OutboundResult {
  const e = (err ?? {}) as { responseCode?: unknown; response?: unknown; code?: unknown }
  const durationMs = Date.now() - started
  if (typeof e.responseCode === 'number') {
    // The reply's first line, short: its code and text, which name no credential.
    const reply = typeof e.response === 'string' ? (e.response.split(/\r?\n/)[0] ?? '') : ''
    const text = reply.replace(/^\d{3}[ -]?/, '').slice(0, 200)
    return {
      ok: false,
      status: null,
      durationMs,
      responseBody: '',
      error: `smtp: ${e.responseCode} ${text}`.trim(),
      ...(e.responseCode >= 500 ? { permanent: true } : {}),
    }
  }
  const code = typeof e.code === 'string' ? e.code : 'error'
  const timedOut = code === 'ETIMEDOUT' || code === 'ETIMEOUT'
  return {
    ok: false,
    status: null,
    durationMs,
    responseBody: '',
    error: timedOut ? 'smtp: timeout, no answer in time' : `smtp: ${code}, the connection failed`,
  }
}

/** A mailer over nodemailer's SMTP transport, one connection per message. */
export function createMailer(options: MailerOptions): Mailer {
  const opts = { timeoutMs: 15_000, ...options }
  const transport = nodemailer.createTransport({
    url: opts.smtpUrl,
    connectionTimeout: opts.timeoutMs,
    greetingTimeout: opts.timeoutMs,
    socketTimeout: opts.timeoutMs,
  } as Parameters<typeof nodemailer.createTransport>[0])
  return {
    async send(message) {
      const started = Date.now()
      try {
        const info = (await transport.sendMail({
          from: opts.from,
          to: [...message.to],
          subject: message.subject,
          text: message.text,
          html: message.html,
        })) as { response?: unknown }
        return {
          ok: true,
          status: null,
          durationMs: Date.now() - started,
          responseBody: typeof info.response === 'string' ? info.response.slice(0, 1000) : '',
        }
      } catch (err) {
        return failure(err, started)
      }
    },
    close: () => transport.close(),
  }
}
