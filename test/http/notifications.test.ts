import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DIALECTS, createTestApp } from '../helpers/test-app.js'
import type { TestApp } from '../helpers/test-app.js'

/** The docs' "Notification Channels" examples (shared/reference/004), as written. */
const SLACK_URL = 'https://hooks.slack.com/services/T0000/B0000/XXXXXXXXXXXXXXXXXXXXXXXX'
const SLACK = {
  channel: 'slack',
  config: { webhook_url: SLACK_URL },
  events: ['budget.exceeded', 'alert.created'],
}
const ROUTING_KEY = 'abcdefabcdefabcdefabcdefabcdef12'
const PAGERDUTY = {
  channel: 'pagerduty',
  config: { routing_key: ROUTING_KEY },
  events: ['budget.exceeded', 'agent.killed', 'alert.created'],
}

describe.each(DIALECTS)('notification channels (%s)', (dialect) => {
  let t: TestApp
  beforeEach(async () => {
    t = await createTestApp({}, dialect)
  })
  afterEach(() => t.close())

  const call = (method: string, path: string, body?: unknown, key = t.adminKey) =>
    t.json(method, path, { key, ...(body !== undefined && { body }) })
  const post = async (body: unknown) => {
    const res = await call('POST', '/api/v1/notifications', body)
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    return res.body.setting as { id: string; [k: string]: any }
  }

  it('sets up the documented channels, answers them masked and stores the config sealed', async () => {
    const slack = await post(SLACK)
    expect(slack).toMatchObject({
      channel: 'slack',
      config: { webhook_url: `****${SLACK_URL.slice(-4)}` },
      events: ['budget.exceeded', 'alert.created'],
      active: true,
    })
    const pd = await post(PAGERDUTY)
    expect(pd.config).toEqual({ routing_key: `****${ROUTING_KEY.slice(-4)}` })
    const list = await call('GET', '/api/v1/notifications')
    expect(list.body.settings.map((s: { channel: string }) => s.channel)).toEqual([
      'slack',
      'pagerduty',
    ])
    const everything = JSON.stringify([list.body, await call('GET', '/api/v1/events?kind=audit')])
    for (const secret of [SLACK_URL, 'XXXXXXXXXXXXXXXXXXXXXXXX', ROUTING_KEY])
      expect(everything).not.toContain(secret)
    expect(everything).toContain('notification.created')
    const raw = await t.store.notify.getSubscription('org-a', 'notification', slack.id)
    expect(raw?.config).toBeTruthy()
    expect(raw?.config).not.toContain('hooks.slack.com')
  })

  it('replaces the org’s channel of a kind when it is set up again, keeping its id', async () => {
    const first = await post(SLACK)
    const again = await post({ ...SLACK, events: ['agent.killed'], active: false })
    expect(again).toMatchObject({ id: first.id, events: ['agent.killed'], active: false })
    expect((await call('GET', '/api/v1/notifications')).body.settings).toHaveLength(1)
  })

  it('refuses bad input with a 400 naming the field', async () => {
    const cases: Array<[unknown, string, string]> = [
      [{ ...SLACK, channel: 'teams' }, 'validation_failed', 'channel'],
      [{ ...SLACK, events: [] }, 'validation_failed', 'events'],
      [{ ...SLACK, events: ['agent.killed', 'foo'] }, 'validation_failed', 'events.1'],
      [
        { ...SLACK, config: { webhook_url: 'ftp://x/' } },
        'validation_failed',
        'config.webhook_url',
      ],
      [{ ...SLACK, config: {} }, 'validation_failed', 'config.webhook_url'],
      [
        { ...PAGERDUTY, config: { routing_key: 'short' } },
        'validation_failed',
        'config.routing_key',
      ],
      [
        { ...SLACK, config: { webhook_url: 'http://169.254.169.254/x' } },
        'invalid_destination',
        'config.webhook_url',
      ],
      [
        {
          channel: 'discord',
          config: { webhook_url: 'http://10.0.0.1/api/webhooks/1/a' },
          events: ['agent.killed'],
        },
        'invalid_destination',
        'config.webhook_url',
      ],
    ]
    for (const [body, code, path] of cases) {
      const res = await call('POST', '/api/v1/notifications', body)
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(res.body, JSON.stringify(body)).toMatchObject({ code, details: [{ path }] })
    }
    const email = await call('POST', '/api/v1/notifications', {
      channel: 'email',
      config: { email: 'ops@example.com' },
      events: ['agent.killed'],
    })
    expect(email).toMatchObject({ status: 400, body: { code: 'smtp_not_configured' } })
    expect(email.body.error).toContain('AGENTTRAIL_SMTP_URL')
    const bad = await t.json('POST', '/api/v1/notifications', { key: t.adminKey, raw: '{' })
    expect(bad).toMatchObject({ status: 400, body: { code: 'invalid_json' } })
    expect((await call('GET', '/api/v1/notifications')).body.settings).toEqual([])
  })

  it('takes e-mail channels when an SMTP server is configured', async () => {
    await t.close()
    t = await createTestApp(
      { AGENTTRAIL_SMTP_URL: 'smtp://127.0.0.1:2525', AGENTTRAIL_SMTP_FROM: 'trail@example.com' },
      dialect,
    )
    const email = await post({
      channel: 'email',
      config: { email: 'ops@example.com' },
      events: ['agent.killed'],
    })
    expect(email.config).toEqual({ email: 'ops@example.com' })
  })

  it('changes, tests and deletes a channel by id or by channel, and 404s otherwise', async () => {
    const s = await post(SLACK)
    const byChannel = await call('PATCH', '/api/v1/notifications', {
      channel: 'slack',
      events: ['agent.paused'],
    })
    expect(byChannel.body.setting).toMatchObject({ id: s.id, events: ['agent.paused'] })
    const byId = await call('PATCH', `/api/v1/notifications/${s.id}`, { active: false })
    expect(byId.body.setting).toMatchObject({ active: false, disabled_reason: 'operator' })
    const newUrl = 'https://hooks.slack.com/services/T1/B1/YYYYYYYYYYYYYYYYYYYYYYYY'
    const bodyForm = await call('PATCH', '/api/v1/notifications', {
      id: s.id,
      config: { webhook_url: newUrl },
      active: true,
    })
    expect(bodyForm.body.setting).toMatchObject({
      active: true,
      config: { webhook_url: '****YYYY' },
    })
    expect(
      (
        await call('PATCH', `/api/v1/notifications/${s.id}`, {
          config: { webhook_url: 'http://10.0.0.1/' },
        })
      ).body.code,
    ).toBe('invalid_destination')
    expect(
      (await call('PATCH', '/api/v1/notifications', { events: ['agent.killed'] })).status,
    ).toBe(400)
    expect(
      (
        await call('PATCH', '/api/v1/notifications', {
          channel: 'discord',
          events: ['agent.killed'],
        })
      ).status,
    ).toBe(404)
    const test = await call('POST', `/api/v1/notifications/${s.id}/test`)
    expect(test).toMatchObject({
      status: 202,
      body: { delivery: { event: 'webhook.test', status: 'pending' } },
    })
    const log = await call('GET', `/api/v1/notifications/${s.id}/deliveries`)
    expect(log.body.deliveries.map((d: { id: string }) => d.id)).toEqual([test.body.delivery.id])
    const other = await t.key('org-b', ['admin'])
    expect((await call('GET', '/api/v1/notifications', undefined, other)).body.settings).toEqual([])
    expect((await call('DELETE', `/api/v1/notifications/${s.id}`, undefined, other)).status).toBe(
      404,
    )
    expect(
      (await call('DELETE', '/api/v1/notifications?channel=slack', undefined, other)).status,
    ).toBe(404)
    const read = await t.key('org-a', ['read'])
    expect((await call('POST', '/api/v1/notifications', SLACK, read)).status).toBe(403)
    expect((await call('GET', '/api/v1/notifications', undefined, read)).status).toBe(200)
    expect(await call('DELETE', '/api/v1/notifications?channel=slack')).toMatchObject({
      status: 200,
      body: { deleted: true },
    })
    const pd = await post(PAGERDUTY)
    expect(await call('DELETE', `/api/v1/notifications?id=${pd.id}`)).toMatchObject({
      status: 200,
      body: { deleted: true },
    })
    expect((await call('DELETE', `/api/v1/notifications/${pd.id}`)).status).toBe(404)
    expect((await call('POST', `/api/v1/notifications/${pd.id}/test`)).status).toBe(404)
    const actions = (await call('GET', '/api/v1/events?kind=audit')).body.events.map(
      (e: { action: string }) => e.action,
    )
    expect(actions.filter((a: string) => a === 'notification.deleted')).toHaveLength(2)
    expect(JSON.stringify(actions)).not.toContain(newUrl)
  })
})
