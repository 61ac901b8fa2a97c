import { describe, expect, it } from 'vitest'
import { sampleAnnouncement } from '../../../../test/helpers/announcements.js'
import { TOPICS } from '../store/outbox-rows.js'
import { notificationOf } from './notification.js'

const url = 'https://trail.example.com'

describe('notificationOf', () => {
  it('renders every topic with a title, a one-sentence summary and the agent', () => {
    for (const topic of TOPICS) {
      const n = notificationOf(sampleAnnouncement(topic), url)
      expect(n.topic).toBe(topic)
      expect(n.title.length).toBeGreaterThan(5)
      expect(n.summary).toMatch(/[.!?]$/)
      expect(n.summary).toContain(topic === 'batch.logged' ? '3 actions' : 'billing-bot')
      expect(n.timestamp).toBe('2026-03-01T12:00:00.000Z')
      expect(n.orgId).toBe('acme')
      expect(n.dedupKey.length).toBeLessThanOrEqual(255)
      expect(n.link).not.toBeNull()
    }
  })

  it('says how much of a budget is used, as the engine words it', () => {
    const n = notificationOf(sampleAnnouncement('budget.exceeded'), url)
    expect(n.title).toBe('Daily budget of billing-bot is used up')
    expect(n.summary).toBe('Daily budget of billing-bot is used up: 120/100 actions, $5.20/$5.00.')
    expect(n.severity).toBe('critical')
  })

  it('names the rule and the reason of a violation, and the failed action and its error', () => {
    const v = notificationOf(sampleAnnouncement('policy.violation'), url)
    expect(v.summary).toBe(
      'billing-bot broke deny shell.rm with shell.rm in production: destructive commands are refused.',
    )
    const e = notificationOf(sampleAnnouncement('action.error'), url)
    expect(e.summary).toBe("billing-bot's stripe.charge failed in production: card declined.")
    expect(e.severity).toBe('error')
  })

  it('maps severities as documented: the alert’s own when it is critical or info', () => {
    const sev = (topic: (typeof TOPICS)[number]) =>
      notificationOf(sampleAnnouncement(topic), url).severity
    expect(sev('agent.killed')).toBe('critical')
    expect(sev('budget.warning')).toBe('info')
    expect(sev('policy.violation')).toBe('warning')
    expect(sev('agent.paused')).toBe('info')
    expect(sev('alert.created')).toBe('critical')
    const a = sampleAnnouncement('alert.created')
    const withSeverity = (severity: string) =>
      notificationOf({ ...a, data: { ...(a.data as object), severity } }, url).severity
    expect(withSeverity('info')).toBe('info')
    expect(withSeverity('weird')).toBe('warning')
  })

  it('gives an alert and its resolution the same dedup key, and resolves it', () => {
    const created = notificationOf(sampleAnnouncement('alert.created'), url)
    const resolved = notificationOf(
      { ...sampleAnnouncement('alert.resolved'), eventId: 'other' },
      url,
    )
    expect(created.dedupKey).toBe('agenttrail:acme:alert:budget_exceeded:production:billing-bot')
    expect(resolved.dedupKey).toBe(created.dedupKey)
    expect([created.action, resolved.action]).toEqual(['trigger', 'resolve'])
  })

  it('keys other topics by event id, or by a stable hash of the data, within 255 characters', () => {
    expect(notificationOf(sampleAnnouncement('agent.killed'), url).dedupKey).toBe(
      'agenttrail:acme:agent.killed:0195a1b2-event',
    )
    const batch = sampleAnnouncement('batch.logged')
    const one = notificationOf(batch, url).dedupKey
    expect(one).toMatch(/^agenttrail:acme:batch\.logged:[0-9a-f]{32}$/)
    expect(notificationOf({ ...batch }, url).dedupKey).toBe(one)
    expect(notificationOf({ ...batch, data: { count: 4, agents: [] } }, url).dedupKey).not.toBe(one)
    const long = notificationOf(sampleAnnouncement('alert.created', 'x'.repeat(400)), url)
    expect(long.dedupKey.length).toBeLessThanOrEqual(255)
  })

  it('links to the dashboard’s event, agent, approval and alert pages only with a public URL', () => {
    const link = (topic: (typeof TOPICS)[number]) =>
      notificationOf(sampleAnnouncement(topic), `${url}/`).link
    expect(link('action.error')).toBe(`${url}/events/0195a1b2-event`)
    expect(link('agent.killed')).toBe(`${url}/agents/production/billing-bot`)
    expect(link('approval.requested')).toBe(`${url}/approvals/ap1`)
    expect(link('alert.created')).toBe(`${url}/alerts`)
    expect(notificationOf(sampleAnnouncement('agent.killed', 'a/b c'), url).link).toBe(
      `${url}/agents/production/a%2Fb%20c`,
    )
    expect(notificationOf(sampleAnnouncement('agent.killed'), undefined).link).toBeNull()
  })

  it('reads data given as JSON text, and survives data of the wrong shape', () => {
    const a = sampleAnnouncement('agent.killed')
    const fromText = notificationOf({ ...a, data: JSON.stringify(a.data) }, url)
    expect(fromText.title).toBe('Agent billing-bot was killed')
    const broken = notificationOf({ ...a, data: 'not json' }, url)
    expect(broken.title).toBe('Agent (unnamed) was killed')
  })
})
