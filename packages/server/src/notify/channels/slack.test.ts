import { afterEach, describe, expect, it } from 'vitest'
import { sampleAnnouncement } from '../../../../../test/helpers/announcements.js'
import { loopbackOutbound } from '../../../../../test/helpers/loopback-outbound.js'
import type { Received } from '../../../../../test/helpers/loopback-receiver.js'
import { startReceiver } from '../../../../../test/helpers/loopback-receiver.js'
import { notificationOf } from '../notification.js'
import { slackChannel } from './slack.js'

type Block = {
  type: string
  text?: { type: string; text: string }
  fields?: Array<{ type: string; text: string }>
  elements?: Array<{ text: string }>
}

/** What Slack checks of an incoming-webhook message; the problem, or null when it would post. */
function slackProblem(r: Received): string | null {
  if (r.headers['content-type'] !== 'application/json') return 'invalid_content_type'
  const body = JSON.parse(r.body) as { text?: unknown; blocks?: Block[] }
  if (typeof body.text !== 'string' || body.text === '') return 'missing_text'
  if (!Array.isArray(body.blocks) || body.blocks.length > 50) return 'invalid_blocks'
  for (const b of body.blocks) {
    if (b.type === 'header' && (b.text?.type !== 'plain_text' || b.text.text.length > 150))
      return 'invalid_header'
    if (b.type === 'section') {
      if (b.text !== undefined && b.text.text.length > 3000) return 'section_too_long'
      if (
        b.fields !== undefined &&
        (b.fields.length > 10 || b.fields.some((f) => f.text.length > 2000))
      )
        return 'invalid_fields'
      if (b.text === undefined && b.fields === undefined) return 'empty_section'
    }
    if (!['header', 'section', 'context', 'divider', 'actions'].includes(b.type))
      return 'unknown_block'
  }
  return null
}

const slackLike = () =>
  startReceiver((r) => {
    const problem = slackProblem(r)
    return problem === null ? { status: 200, body: 'ok' } : { status: 400, body: problem }
  })

describe('slack channel', () => {
  const closers: Array<() => Promise<void>> = []
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((c) => c()))
  })
  const deps = { outbound: loopbackOutbound(), pagerdutyUrl: 'https://unused.invalid' }

  it('posts text and blocks Slack accepts, with the agent, environment, event and severity', async () => {
    const slack = await slackLike()
    closers.push(slack.close)
    const n = notificationOf(sampleAnnouncement('budget.exceeded'), 'https://trail.example.com')
    const result = await slackChannel.send({ webhook_url: `${slack.url}/services/T/B/x` }, n, deps)
    expect(result).toMatchObject({ ok: true, status: 200, responseBody: 'ok' })
    const body = JSON.parse(slack.received[0]!.body) as { text: string; blocks: Block[] }
    expect(body.text).toBe(
      '[AgentTrail] Daily budget of billing-bot is used up: Daily budget of billing-bot is used up: 120/100 actions, $5.20/$5.00.',
    )
    expect(body.blocks[0]).toEqual({
      type: 'header',
      text: {
        type: 'plain_text',
        text: '[AgentTrail] Daily budget of billing-bot is used up',
        emoji: true,
      },
    })
    const fields = body.blocks.flatMap((b) => b.fields ?? []).map((f) => f.text)
    expect(fields.slice(0, 4)).toEqual([
      '*Agent*\nbilling-bot',
      '*Environment*\nproduction',
      '*Event*\nbudget.exceeded',
      '*Severity*\ncritical',
    ])
    expect(JSON.stringify(body.blocks)).toContain(
      '<https://trail.example.com/agents/production/billing-bot|Open in AgentTrail>',
    )
    expect(
      body.blocks.some((b) => b.type === 'context' && b.elements?.[0]?.text.includes('org acme')),
    ).toBe(true)
  })

  it('escapes user data and keeps huge values within Block Kit limits', async () => {
    const slack = await slackLike()
    closers.push(slack.close)
    const a = sampleAnnouncement('policy.violation', '<!everyone> & co')
    const data = { ...(a.data as object), reason: 'x'.repeat(10_000), rule: '<@U123>'.repeat(600) }
    const n = notificationOf({ ...a, data }, undefined)
    const result = await slackChannel.send({ webhook_url: slack.url }, n, deps)
    expect(result.ok, result.responseBody).toBe(true)
    // Mentions are parsed in mrkdwn only; the plain_text header shows the name as it is.
    const body = JSON.parse(slack.received[0]!.body) as { text: string; blocks: Block[] }
    const mrkdwn = JSON.stringify([body.text, body.blocks.slice(1)])
    expect(mrkdwn.includes('<!everyone>') || mrkdwn.includes('<@U123>')).toBe(false)
    expect(mrkdwn).toContain('&lt;!everyone&gt; &amp; co')
    expect(body.blocks[0]!.text!.text).toBe('[AgentTrail] Policy violation by <!everyone> & co')
  })

  it('passes on Slack’s Retry-After on a 429, and a 404 (webhook gone) is permanent', async () => {
    let status = 429
    const slack = await startReceiver(() => ({
      status,
      headers: { 'retry-after': '30' },
      body: 'rate_limited',
    }))
    closers.push(slack.close)
    const n = notificationOf(sampleAnnouncement('agent.killed'), undefined)
    const limited = await slackChannel.send({ webhook_url: slack.url }, n, deps)
    expect(limited).toMatchObject({ ok: false, status: 429, retryAfterMs: 30_000 })
    expect(limited.permanent).toBeUndefined()
    status = 404
    const gone = await slackChannel.send({ webhook_url: slack.url }, n, deps)
    expect(gone).toMatchObject({ ok: false, status: 404, permanent: true })
  })
})
