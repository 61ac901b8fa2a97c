import { isTopic } from './outbox-rows.js'
import type { Topic } from './outbox-rows.js'
import type {
  AttemptOutcome,
  AttemptRecord,
  DeliveryRecord,
  SubscriptionKind,
  SubscriptionRecord,
} from './notify-store.js'

/** A subscription as either dialect stores it (numbers may arrive as strings from PostgreSQL). */
export interface SubscriptionRow {
  id: string
  kind: string
  channel: string | null
  url: string | null
  secret: string | null
  config: string | null
  topics: string
  agent_name: string | null
  description: string | null
  enabled: number | boolean
  disabled_reason: string | null
  failure_count: number | string
  last_triggered_at: number | string | null
  created_at: number | string
  updated_at: number | string
}

const iso = (ms: number | string | null) =>
  ms === null ? null : new Date(Number(ms)).toISOString()

export function subscriptionFromRow(r: SubscriptionRow): SubscriptionRecord {
  return {
    id: r.id,
    kind: r.kind as SubscriptionKind,
    channel: r.channel,
    url: r.url,
    secret: r.secret,
    config: r.config,
    topics: (JSON.parse(r.topics) as string[]).filter(isTopic),
    agent_name: r.agent_name,
    description: r.description,
    enabled: r.enabled === true || r.enabled === 1,
    disabled_reason: r.disabled_reason,
    failure_count: Number(r.failure_count),
    last_triggered_at: iso(r.last_triggered_at),
    created_at: iso(r.created_at) as string,
    updated_at: iso(r.updated_at) as string,
  }
}

/** An outbox row as the fan-out reads it. */
export interface AnnouncementRow {
  topic: string
  agent: string | null
  created_at: number
}

/**
 * Whether a subscription is told of an announcement: enabled, subscribed to its topic, created
 * before it was announced (a new webhook is not sent the past), and for a rollback hook bound to an
 * agent, about that agent.
 */
export function wants(s: SubscriptionRecord, a: AnnouncementRow): boolean {
  return (
    s.enabled &&
    (s.topics as string[]).includes(a.topic) &&
    Date.parse(s.created_at) <= a.created_at &&
    (s.kind !== 'rollback' || s.agent_name === null || s.agent_name === a.agent)
  )
}

/** The topics an org's enabled subscriptions want: what its appends write outbox rows for. */
export function topicsWanted(subs: readonly SubscriptionRecord[]): ReadonlySet<Topic> {
  const topics = new Set<Topic>()
  for (const s of subs) if (s.enabled) for (const t of s.topics) topics.add(t)
  return topics
}

/** A delivery as either dialect stores it. */
export type DeliveryRow = Omit<
  DeliveryRecord,
  'announced_at' | 'attempts' | 'next_attempt_at' | 'last_status' | 'delivered_at' | 'created_at'
> &
  Record<
    'announced_at' | 'attempts' | 'next_attempt_at' | 'last_status' | 'delivered_at' | 'created_at',
    number | string | null
  >

const num = (v: number | string | null) => (v === null ? null : Number(v))

export function deliveryFromRow(r: DeliveryRow): DeliveryRecord {
  return {
    id: r.id,
    subscription_id: r.subscription_id,
    topic: r.topic,
    event_id: r.event_id,
    agent: r.agent,
    environment: r.environment,
    data: r.data,
    body: r.body,
    announced_at: Number(r.announced_at),
    status: r.status,
    attempts: Number(r.attempts),
    next_attempt_at: Number(r.next_attempt_at),
    last_status: num(r.last_status),
    last_error: r.last_error,
    delivered_at: num(r.delivered_at),
    created_at: Number(r.created_at),
  }
}

export interface AttemptRow {
  delivery_id: string
  attempt: number | string
  subscription_id: string
  topic: string
  started_at: number | string
  duration_ms: number | string
  ok: number | boolean
  status_code: number | string | null
  error: string | null
  response_body: string | null
}

export function attemptFromRow(r: AttemptRow): AttemptRecord {
  return {
    delivery_id: r.delivery_id,
    attempt: Number(r.attempt),
    subscription_id: r.subscription_id,
    topic: r.topic,
    started_at: new Date(Number(r.started_at)).toISOString(),
    duration_ms: Number(r.duration_ms),
    ok: r.ok === true || r.ok === 1,
    status_code: num(r.status_code),
    error: r.error,
    response_body: r.response_body,
  }
}

/** One attempt's outcome to record (NotifyStore.settleDelivery's arguments, batched). */
export interface SettleItem {
  orgId: string
  id: string
  attempt: number
  outcome: AttemptOutcome
  maxFailures: number
}
