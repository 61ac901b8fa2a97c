import type { Topic } from './outbox-rows.js'

/**
 * The publish stage's storage (docs/events-out.md): subscriptions, the outbox the appends write,
 * and deliveries with their attempts. Secrets arrive sealed (notify/secret-box.ts) and leave
 * sealed; the store never sees them in clear.
 */
export type SubscriptionKind = 'webhook' | 'notification' | 'rollback'

export interface SubscriptionRecord {
  id: string
  kind: SubscriptionKind
  /** Notification channels: `slack`, `discord`, `pagerduty`, `email`. */
  channel: string | null
  url: string | null
  /** Sealed. */
  secret: string | null
  /** Sealed JSON (a channel's config). */
  config: string | null
  topics: Topic[]
  agent_name: string | null
  description: string | null
  enabled: boolean
  /** Why it was disabled: `gone` (410), `failures` (10 failed deliveries in a row), `operator`. */
  disabled_reason: string | null
  /** Deliveries that failed in a row (every attempt spent); 0 after a success. */
  failure_count: number
  last_triggered_at: string | null
  created_at: string
  updated_at: string
}

export type NewSubscription = Pick<
  SubscriptionRecord,
  'id' | 'kind' | 'channel' | 'url' | 'secret' | 'config' | 'topics' | 'agent_name' | 'description'
> & { enabled?: boolean }

export type SubscriptionPatch = Partial<
  Pick<SubscriptionRecord, 'url' | 'secret' | 'config' | 'topics' | 'agent_name' | 'description'>
> & {
  /** True re-enables (the failure count starts again at 0); false disables (`operator`). */
  enabled?: boolean
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed'

export interface DeliveryRecord {
  id: string
  subscription_id: string
  topic: string
  event_id: string | null
  agent: string | null
  environment: string
  /** The announcement's `data`, JSON. */
  data: string
  /** The exact bytes sent, once a first attempt was made. */
  body: string | null
  announced_at: number
  status: DeliveryStatus
  attempts: number
  next_attempt_at: number
  last_status: number | null
  last_error: string | null
  delivered_at: number | null
  created_at: number
}

/** A delivery taken by one dispatcher for one attempt, with what it needs to make it. */
export interface ClaimedDelivery extends DeliveryRecord {
  orgId: string
  /** The attempt being made (1 for the first). */
  attempt: number
  subscription: SubscriptionRecord
}

export interface AttemptRecord {
  delivery_id: string
  attempt: number
  subscription_id: string
  topic: string
  started_at: string
  duration_ms: number
  ok: boolean
  status_code: number | null
  error: string | null
  response_body: string | null
}

/** What came of an attempt, and what happens next. */
export interface AttemptOutcome {
  ok: boolean
  status: number | null
  durationMs: number
  error: string | null
  responseBody: string
  startedAt: number
  /** The body sent, stored on the first attempt so every retry sends the same bytes (null: none sent). */
  body: string | null
  /** When to try again; null when this was the last attempt (ok or given up). */
  retryAt: number | null
  /** Disable the subscription (`gone`: the receiver answered 410). */
  disable?: 'gone'
}

export interface NotifyStore {
  createSubscription(orgId: string, s: NewSubscription, now: number): Promise<SubscriptionRecord>
  listSubscriptions(orgId: string, kind: SubscriptionKind): Promise<SubscriptionRecord[]>
  getSubscription(
    orgId: string,
    kind: SubscriptionKind,
    id: string,
  ): Promise<SubscriptionRecord | undefined>
  updateSubscription(
    orgId: string,
    kind: SubscriptionKind,
    id: string,
    patch: SubscriptionPatch,
    now: number,
  ): Promise<SubscriptionRecord | undefined>
  /** Deletes it with its pending deliveries (its log goes too). */
  deleteSubscription(orgId: string, kind: SubscriptionKind, id: string): Promise<boolean>

  /**
   * Turns outbox rows (in order, those naming at most `maxEvents` events, and at least one) into
   * deliveries, one per announcement of their events and enabled subscription that wants it and
   * existed when it was announced, and removes the rows: in one transaction, so each row fans out
   * exactly once even with several dispatchers. Returns how many rows it took (0: none left).
   */
  fanOut(now: number, maxEvents: number): Promise<number>
  /**
   * Takes up to `limit` deliveries that are due and not held by another dispatcher, holding each
   * until `now + leaseMs` and counting the attempt. A dispatcher that dies mid-attempt lets its
   * lease lapse, and another takes the delivery again: at least once.
   */
  claimDeliveries(now: number, limit: number, leaseMs: number): Promise<ClaimedDelivery[]>
  /**
   * Records the attempt and what follows; ignored (false) when the delivery was taken again since
   * (its lease lapsed), so two outcomes never both count. A failed last attempt counts a failed
   * delivery against the subscription, which is disabled at `maxFailures` in a row.
   */
  settleDelivery(
    orgId: string,
    id: string,
    attempt: number,
    outcome: AttemptOutcome,
    maxFailures: number,
  ): Promise<boolean>
  /** Queues a delivery now without an outbox row (a test send); returns it. */
  enqueue(
    orgId: string,
    subscriptionId: string,
    topic: string,
    data: string,
    now: number,
  ): Promise<DeliveryRecord>
  /** Sends a delivery again now (same id, same body); undefined when there is none. */
  redeliver(
    orgId: string,
    subscriptionId: string,
    id: string,
    now: number,
  ): Promise<DeliveryRecord | undefined>
  /**
   * A subscription's deliveries, newest first, each with its attempts; with `before` (epoch ms)
   * those created earlier, or at that time with an id below `beforeId` (a page's last row).
   */
  listDeliveries(
    orgId: string,
    subscriptionId: string,
    page: { limit: number; before?: number; beforeId?: string },
  ): Promise<Array<DeliveryRecord & { attempts_log: AttemptRecord[] }>>
  /** Attempts of a kind's subscriptions, newest first (AgentLedger's rollback executions). */
  listAttempts(orgId: string, kind: SubscriptionKind, limit: number): Promise<AttemptRecord[]>
  /** Outbox rows not fanned out yet, and deliveries still pending (for health and tests). */
  backlog(): Promise<{ outbox: number; pending: number }>
  /** Removes finished deliveries and their attempts older than `before`; returns how many. */
  purge(before: number): Promise<number>
}
