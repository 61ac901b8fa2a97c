import { afterEach, describe, expect, it } from 'vitest'
import { sampleAnnouncement } from '../../../../../test/helpers/announcements.js'
import { loopbackOutbound } from '../../../../../test/helpers/loopback-outbound.js'
import type { Answer, Received } from '../../../../../test/helpers/loopback-receiver.js'
import { startReceiver } from '../../../../../test/helpers/loopback-receiver.js'
import { notificationOf } from '../notification.js'
import { discordChannel, embedChars } from './discord.js'

type Embed = {
  title: string
  description: string
  color: number
  fields: Array<{ name: string; value: string }>
  timestamp: string
  url?: string
  footer: { text: string }
}
type Message = { username?: string; allowed_mentions?: { parse: unknown[] }; embeds: Embed[] }

/** Discord's checks of an execute-webhook body (embed limits); 400 with the problem when broken. */
function discordAnswer(r: Received): Answer {
  const m = JSON.parse(r.body) as Message
  const e = m.embeds[0]
  const problems = [
    m.embeds.length !== 1 && 'embeds',
    !e && 'embed',
    e && e.title.length > 256 && 'title',
    e && e.description.length > 4096 && 'description',
    e && e.fields.length > 25 && 'fields',
    e &&
      e.fields.some(
        (f) =>
          f.name.length === 0 ||
          f.name.length > 256 ||
          f.value.length === 0 ||
          f.value.length > 1024,
      ) &&
      'field',
    e && e.footer.text.length > 2048 && 'footer',
    e && embedChars(e) > 6000 && 'total',
    (m.username?.length ?? 0) > 80 && 'username',
  ].filter(Boolean)
  return problems.length === 0
    ? { status: 204 }
    : { status: 400, body: JSON.stringify({ message: problems.join(',') }) }
}

describe('discord channel', () => {
  const closers: Array<() => Promise<void>> = []
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((c) => c()))
  })
  const deps = { outbound: loopbackOutbound(), pagerdutyUrl: 'https://unused.invalid' }

  it('posts one embed with no mentions allowed, coloured by severity and linked', async () => {
    const discord = await startReceiver(discordAnswer)
    closers.push(discord.close)
    const n = notificationOf(sampleAnnouncement('agent.killed'), 'https://trail.example.com')
    const result = await discordChannel.send(
      { webhook_url: `${discord.url}/api/webhooks/1/t` },
      n,
      deps,
    )
    expect(result).toMatchObject({ ok: true, status: 204 })
    const m = JSON.parse(discord.received[0]!.body) as Message
    expect(m.username).toBe('AgentTrail')
    expect(m.allowed_mentions).toEqual({ parse: [] })
    expect(m.embeds[0]).toMatchObject({
      title: 'Agent billing-bot was killed',
      description:
        'Agent billing-bot was killed in production by ops-key; every further action is refused.',
      color: 0xd92d20,
      timestamp: '2026-03-01T12:00:00.000Z',
      url: 'https://trail.example.com/agents/production/billing-bot',
      footer: { text: 'AgentTrail · org acme' },
    })
    expect(m.embeds[0]!.fields[0]).toEqual({ name: 'Agent', value: 'billing-bot', inline: true })
  })

  it('keeps every embed limit with oversized values, 6,000 characters in all', async () => {
    const discord = await startReceiver(discordAnswer)
    closers.push(discord.close)
    const a = sampleAnnouncement('policy.violation', 'a'.repeat(900))
    const data = {
      ...(a.data as object),
      reason: '@everyone '.repeat(1000),
      rule: 'r'.repeat(3000),
    }
    const result = await discordChannel.send(
      { webhook_url: discord.url },
      notificationOf({ ...a, data }, undefined),
      deps,
    )
    expect(result.ok, result.responseBody).toBe(true)
  })

  it('honours retry_after from a 429 body over the header, in seconds or milliseconds', async () => {
    let retryAfter = 1.5
    const discord = await startReceiver(() => ({
      status: 429,
      headers: { 'retry-after': '9', 'content-type': 'application/json' },
      body: JSON.stringify({
        message: 'You are being rate limited.',
        retry_after: retryAfter,
        global: false,
      }),
    }))
    closers.push(discord.close)
    const n = notificationOf(sampleAnnouncement('agent.killed'), undefined)
    const seconds = await discordChannel.send({ webhook_url: discord.url }, n, deps)
    expect(seconds).toMatchObject({ ok: false, status: 429, retryAfterMs: 1500 })
    expect(seconds.permanent).toBeUndefined()
    retryAfter = 2500
    const millis = await discordChannel.send({ webhook_url: discord.url }, n, deps)
    expect(millis.retryAfterMs).toBe(2500)
  })

  it('treats a deleted webhook (404) as permanent', async () => {
    const discord = await startReceiver(() => ({
      status: 404,
      body: '{"message":"Unknown Webhook","code":10015}',
    }))
    closers.push(discord.close)
    const n = notificationOf(sampleAnnouncement('agent.killed'), undefined)
    expect(await discordChannel.send({ webhook_url: discord.url }, n, deps)).toMatchObject({
      ok: false,
      permanent: true,
    })
  })
})
