import { afterEach, describe, expect, it } from 'vitest'
import { sampleAnnouncement } from '../../../../../test/helpers/announcements.js'
import { closedPortUrl } from '../../../../../test/helpers/closed-port.js'
import { loopbackOutbound } from '../../../../../test/helpers/loopback-outbound.js'
import { startSmtp } from '../../../../../test/helpers/loopback-smtp.js'
import { notificationOf } from '../notification.js'
import type { Mailer } from './email.js'
import { createMailer, emailChannel, mailConfigured } from './email.js'

const FROM = 'AgentTrail <trail@example.com>'
const outbound = loopbackOutbound()
const pagerdutyUrl = 'https://unused.invalid'

describe('email channel', () => {
  const closers: Array<() => Promise<void> | void> = []
  afterEach(async () => {
    for (const c of closers.splice(0)) await c()
  })
  const mailerFor = (smtpUrl: string, timeoutMs?: number): Mailer => {
    const mailer = createMailer({ smtpUrl, from: FROM, ...(timeoutMs ? { timeoutMs } : {}) })
    closers.push(() => mailer.close())
    return mailer
  }

  it('sends from, to, subject, a text part and an HTML part through a real SMTP server', async () => {
    const smtp = await startSmtp({ login: { user: 'mailer', pass: 'smtp-secret-1' } })
    closers.push(smtp.close)
    const n = notificationOf(sampleAnnouncement('agent.killed'), 'https://trail.example.com')
    const parsed = emailChannel.parseConfig({ email: ' ops@example.com ,oncall@example.org' })
    if (!parsed.ok) throw new Error(parsed.error)
    expect(parsed.config.email).toBe('ops@example.com, oncall@example.org')
    const result = await emailChannel.send(parsed.config, n, {
      outbound,
      pagerdutyUrl,
      mailer: mailerFor(smtp.url),
    })
    expect(result).toMatchObject({ ok: true, status: null })
    const { mail, rcptTo } = await smtp.nextMessage()
    expect(rcptTo).toEqual(['ops@example.com', 'oncall@example.org'])
    expect(mail.from?.value).toEqual([{ address: 'trail@example.com', name: 'AgentTrail' }])
    expect(mail.subject).toBe('[AgentTrail] Agent billing-bot was killed')
    expect(mail.text).toContain(
      'Agent billing-bot was killed in production by ops-key; every further action is refused.',
    )
    expect(mail.text).toContain('Environment: production')
    expect(mail.text).toContain('https://trail.example.com/agents/production/billing-bot')
    expect(mail.html).toContain(
      '<a href="https://trail.example.com/agents/production/billing-bot">',
    )
    expect(mail.html).toContain('<td>billing-bot</td>')
  })

  it('escapes every user value in the HTML part', async () => {
    const smtp = await startSmtp()
    closers.push(smtp.close)
    const agent = '<script>alert(1)</script>'
    const a = sampleAnnouncement('policy.violation', agent)
    const data = {
      ...(a.data as object),
      reason: '<img src=x onerror=alert(2)> "quoted" & \'single\'',
    }
    const n = notificationOf({ ...a, data }, 'https://trail.example.com')
    const result = await emailChannel.send({ email: 'ops@example.com' }, n, {
      outbound,
      pagerdutyUrl,
      mailer: mailerFor(smtp.url),
    })
    expect(result.ok, result.error).toBe(true)
    const { mail } = await smtp.nextMessage()
    const html = mail.html as string
    expect(html).not.toContain('<script')
    expect(html).not.toContain('<img')
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(html).toContain('&quot;quoted&quot; &amp; &#39;single&#39;')
    expect(mail.subject).toBe(`[AgentTrail] Policy violation by ${agent}`)
    expect(mail.text).toContain(agent)
  })

  it('fails permanently when the server refuses the recipient with 550', async () => {
    const smtp = await startSmtp({ rejectRcpt: { code: 550, text: 'no such user here' } })
    closers.push(smtp.close)
    const n = notificationOf(sampleAnnouncement('agent.killed'), undefined)
    const result = await emailChannel.send({ email: 'ghost@example.com' }, n, {
      outbound,
      pagerdutyUrl,
      mailer: mailerFor(smtp.url),
    })
    expect(result).toMatchObject({ ok: false, status: null, permanent: true })
    expect(result.error).toMatch(/^smtp: 550 /)
    expect(smtp.messages).toHaveLength(0)
  })

  it('fails for now, not permanently, when no SMTP server answers', async () => {
    const url = (await closedPortUrl()).replace('http://', 'smtp://')
    const n = notificationOf(sampleAnnouncement('agent.killed'), undefined)
    const result = await emailChannel.send({ email: 'ops@example.com' }, n, {
      outbound,
      pagerdutyUrl,
      mailer: mailerFor(url, 2_000),
    })
    expect(result).toMatchObject({ ok: false, status: null })
    expect(result.permanent).toBeUndefined()
    expect(result.error).toMatch(/^smtp: /)
  })

  it('fails every send, permanently and saying what to set, without SMTP settings', async () => {
    expect(mailConfigured({ smtpUrl: undefined, smtpFrom: FROM })).toBe(false)
    expect(mailConfigured({ smtpUrl: 'smtp://127.0.0.1:25', smtpFrom: FROM })).toBe(true)
    const n = notificationOf(sampleAnnouncement('agent.killed'), undefined)
    expect(
      await emailChannel.send({ email: 'ops@example.com' }, n, { outbound, pagerdutyUrl }),
    ).toEqual({
      ok: false,
      status: null,
      durationMs: 0,
      responseBody: '',
      error: 'smtp_not_configured: set AGENTTRAIL_SMTP_URL and AGENTTRAIL_SMTP_FROM',
      permanent: true,
    })
  })
})
