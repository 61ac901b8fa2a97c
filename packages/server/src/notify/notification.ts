import { createHash } from 'node:crypto'
import type { Topic } from '../store/outbox-rows.js'
import { readData, renderTopic } from './notification-text.js'

export type Severity = 'critical' | 'error' | 'warning' | 'info'

/** The one value every notification channel renders: what happened, to whom, how bad. */
export interface Notification {
  topic: Topic
  /** At a glance, e.g. `Agent billing-bot was killed`. */
  title: string
  /** One sentence: what happened, which agent, why. */
  summary: string
  severity: Severity
  agent: string | null
  environment: string | null
  /** Topic-specific details (service, action, rule, budget...), in display order. */
  fields: Array<{ name: string; value: string }>
  /** Where to look in the dashboard; null without `AGENTTRAIL_PUBLIC_URL`. */
  link: string | null
  /** Same incident, same key: an alert's resolve carries its creation's key. At most 255 characters. */
  dedupKey: string
  action: 'trigger' | 'resolve'
  /** ISO 8601. */
  timestamp: string
  orgId: string
}

/** An announcement as the outbox holds it. `data` is the webhook body's `data`, parsed or as JSON text. */
export interface Announcement {
  orgId: string
  topic: Topic
  data: unknown
  /** Epoch ms. */
  createdAt: number
  eventId: string | null
}

/**
 * PagerDuty's severities as AgentLedger documents them (budget.exceeded and agent.killed critical,
 * alert.created warning, budget.warning info), with the alert's own severity winning for alerts.
 */
function severityOf(topic: Topic, data: Record<string, unknown>): Severity {
  switch (topic) {
    case 'budget.exceeded':
    case 'agent.killed':
      return 'critical'
    case 'alert.created':
      return data.severity === 'critical' || data.severity === 'info' ? data.severity : 'warning'
    case 'action.error':
      return 'error'
    case 'policy.violation':
      return 'warning'
    default:
      return 'info'
  }
}

/** PagerDuty caps `dedup_key` at 255; a longer key keeps its head and ends in a hash of the whole. */
const capKey = (key: string) =>
  key.length <= 255 ? key : `${key.slice(0, 190)}:${sha256(key).slice(0, 64)}`

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex')

function dedupKeyOf(a: Announcement, data: Record<string, unknown>, raw: string): string {
  if (a.topic === 'alert.created' || a.topic === 'alert.resolved') {
    // A rule's alert: one incident per rule and series, which its resolution closes.
    if (typeof data.rule_id === 'string' && typeof data.series === 'string')
      return capKey(`agenttrail:${a.orgId}:${data.rule_id}:${data.series}`)
    const type = typeof data.alert_type === 'string' ? data.alert_type : 'alert'
    const env = typeof data.environment === 'string' ? data.environment : '-'
    const agent = typeof data.agent_name === 'string' ? data.agent_name : '-'
    return capKey(`agenttrail:${a.orgId}:alert:${type}:${env}:${agent}`)
  }
  return capKey(`agenttrail:${a.orgId}:${a.topic}:${a.eventId ?? sha256(raw).slice(0, 32)}`)
}

const seg = encodeURIComponent

/**
 * The dashboard's pages (docs/events-out.md, docs/dashboard.md): an event, an agent, an approval,
 * the alerts.
 */
function linkOf(
  a: Announcement,
  data: Record<string, unknown>,
  agent: string | null,
  env: string | null,
  publicUrl: string | undefined,
): string | null {
  if (publicUrl === undefined) return null
  const base = publicUrl.replace(/\/+$/, '')
  switch (a.topic) {
    case 'alert.created':
    case 'alert.resolved':
      return `${base}/alerts`
    case 'approval.requested':
    case 'approval.decided':
      return typeof data.approval_id === 'string'
        ? `${base}/approvals/${seg(data.approval_id)}`
        : null
    case 'agent.paused':
    case 'agent.resumed':
    case 'agent.killed':
    case 'budget.warning':
    case 'budget.exceeded':
      if (agent !== null && env !== null) return `${base}/agents/${seg(env)}/${seg(agent)}`
      break
    case 'batch.logged':
      return `${base}/events`
    default:
      break
  }
  return a.eventId === null ? null : `${base}/events/${seg(a.eventId)}`
}

/** The notification of one announcement, for every topic AgentTrail announces. */
export function notificationOf(a: Announcement, publicUrl: string | undefined): Notification {
  const { data, raw } = readData(a.data)
  const text = renderTopic(a.topic, data)
  return {
    topic: a.topic,
    title: text.title,
    summary: /[.!?]$/.test(text.summary) ? text.summary : `${text.summary}.`,
    severity: severityOf(a.topic, data),
    agent: text.agent,
    environment: text.environment,
    fields: text.fields,
    link: linkOf(a, data, text.agent, text.environment, publicUrl),
    dedupKey: dedupKeyOf(a, data, raw),
    action: a.topic === 'alert.resolved' ? 'resolve' : 'trigger',
    timestamp: new Date(a.createdAt).toISOString(),
    orgId: a.orgId,
  }
}

/** The fields every channel shows first (agent, environment, event, severity), then the topic's own. */
export function displayFields(n: Notification): Array<{ name: string; value: string }> {
  const head = [
    ...(n.agent === null ? [] : [{ name: 'Agent', value: n.agent }]),
    ...(n.environment === null ? [] : [{ name: 'Environment', value: n.environment }]),
    { name: 'Event', value: n.topic },
    { name: 'Severity', value: n.severity },
  ]
  return [...head, ...n.fields]
}
