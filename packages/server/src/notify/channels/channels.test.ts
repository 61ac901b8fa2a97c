import { loopbackOutbound } from '../../../../../test/helpers/loopback-outbound.js'
import { startReceiver } from '../../../../../test/helpers/loopback-receiver.js'
import { startSmtp } from '../../../../../test/helpers/loopback-smtp.js'
import { describeChannelContract } from './channel.contract.js'
import { CHANNELS } from './channels.js'
import { createMailer } from './email.js'

/** A receiver answering 500 with the request it got echoed back, secrets and all. */
const echoing500 = () => startReceiver((r) => ({ status: 500, body: `${r.path} ${r.body}` }))
const pagerdutyUrl = 'https://events.pagerduty.invalid/v2/enqueue'
const token = 'hooktoken-3b1f0c9e8d7a6b5c4d3e2f1a'

for (const name of ['slack', 'discord'] as const)
  describeChannelContract(name, () => ({
    channel: CHANNELS[name],
    good: { webhook_url: `https://hooks.example.com/services/T1/B2/${token}` },
    bad: [
      { raw: {}, field: 'config.webhook_url' },
      { raw: { webhook_url: 'ftp://hooks.example.com/x' }, field: 'config.webhook_url' },
      { raw: { webhook_url: 'not a url' }, field: 'config.webhook_url' },
      {
        raw: { webhook_url: `https://x.example/${'a'.repeat(2001)}` },
        field: 'config.webhook_url',
      },
    ],
    async failing() {
      const receiver = await echoing500()
      const url = `${receiver.url}/api/webhooks/1/${token}`
      return {
        config: { webhook_url: url },
        deps: { outbound: loopbackOutbound(), pagerdutyUrl },
        secrets: [url, token],
        close: receiver.close,
      }
    },
  }))

describeChannelContract('pagerduty', () => ({
  channel: CHANNELS.pagerduty,
  good: { routing_key: 'R0123456789abcdef0123456789ABCDE' },
  bad: [
    { raw: {}, field: 'config.routing_key' },
    { raw: { routing_key: 'short' }, field: 'config.routing_key' },
    { raw: { routing_key: 42 }, field: 'config.routing_key' },
  ],
  async failing() {
    const receiver = await echoing500()
    const key = 'R0123456789abcdef0123456789ABCDE'
    return {
      config: { routing_key: key },
      deps: { outbound: loopbackOutbound(), pagerdutyUrl: `${receiver.url}/v2/enqueue` },
      secrets: [key],
      close: receiver.close,
    }
  },
}))

describeChannelContract('email', () => ({
  channel: CHANNELS.email,
  good: { email: 'ops@example.com, oncall@example.org' },
  bad: [
    { raw: {}, field: 'config.email' },
    { raw: { email: 'not-an-address' }, field: 'config.email' },
    { raw: { email: 'a@example.com, b@example.com\r\nBcc: c@example.com' }, field: 'config.email' },
    { raw: { email: Array(21).fill('a@example.com').join(',') }, field: 'config.email' },
  ],
  async failing() {
    const login = { user: 'mailer', pass: 'smtp-password-7c2e91' }
    const smtp = await startSmtp({ rejectRcpt: { code: 451, text: 'try again later' }, login })
    const mailer = createMailer({ smtpUrl: smtp.url, from: 'AgentTrail <trail@example.com>' })
    return {
      config: { email: 'ops@example.com' },
      deps: { outbound: loopbackOutbound(), pagerdutyUrl, mailer },
      secrets: [login.pass],
      close: async () => {
        mailer.close()
        await smtp.close()
      },
    }
  },
}))
