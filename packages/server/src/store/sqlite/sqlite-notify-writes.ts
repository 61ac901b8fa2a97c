import type Database from 'better-sqlite3'
import { uuidv7 } from '@agenttrail/protocol'
import type {
  ClaimedDelivery,
  DeliveryRecord,
  NewSubscription,
  SubscriptionKind,
  SubscriptionPatch,
  SubscriptionRecord,
} from '../notify-store.js'
import { deliveryFromRow, subscriptionFromRow } from '../subscription-rows.js'
import { deliveriesOf, takeRows } from '../fan-out.js'
import type { StoredOutboxRow } from '../fan-out.js'
import type { EventRow } from '../event-row.js'
import { EVENTS_ROW } from '../outbox-rows.js'
import type { SettleItem } from '../subscription-rows.js'
import { withoutFsync } from './sqlite-db.js'
import type { DeliveryRow, SubscriptionRow } from '../subscription-rows.js'

/**
 * The publish stage's writes on SQLite (the one writer: a claim is exclusive because only this
 * connection writes). Every subscription change moves the org's `notify_version` on in its
 * transaction, so the appends' cache of wanted topics follows (sqlite-outbox.ts).
 */
export function createSqliteNotifyWrites(db: Database.Database) {
  const ensureOrg = db.prepare('INSERT OR IGNORE INTO orgs (id, name, created_at) VALUES (?, ?, ?)')
  const bump = db.prepare('UPDATE orgs SET notify_version = notify_version + 1 WHERE id = ?')
  const insertSub = db.prepare(`INSERT INTO subscriptions (org_id, id, kind, channel, url, secret,
    config, topics, agent_name, description, enabled, created_at, updated_at)
    VALUES (@org, @id, @kind, @channel, @url, @secret, @config, @topics, @agent_name, @description, @enabled, @now, @now)`)
  const getSub = db.prepare<[string, string, string], SubscriptionRow>(
    'SELECT * FROM subscriptions WHERE org_id = ? AND kind = ? AND id = ?',
  )
  const deleteSub = db.prepare('DELETE FROM subscriptions WHERE org_id = ? AND kind = ? AND id = ?')
  const deleteDeliveries = db.prepare(
    'DELETE FROM deliveries WHERE org_id = ? AND subscription_id = ?',
  )
  const deleteAttempts = db.prepare(
    'DELETE FROM delivery_attempts WHERE org_id = ? AND subscription_id = ?',
  )
  const takeOutbox = db.prepare<[number], StoredOutboxRow>(
    'SELECT * FROM outbox ORDER BY id LIMIT ?',
  )
  const dropOutbox = db.prepare('DELETE FROM outbox WHERE id <= ?')
  const eventsIn = db.prepare<[string, number, number], EventRow>(
    'SELECT * FROM events WHERE org_id = ? AND seq >= ? AND seq <= ? ORDER BY seq',
  )
  const orgSubs = db.prepare<[string], SubscriptionRow>(
    'SELECT * FROM subscriptions WHERE org_id = ? AND enabled = 1',
  )
  const insertDelivery = db.prepare(`INSERT INTO deliveries (org_id, id, subscription_id, topic,
    event_id, agent, environment, data, announced_at, status, next_attempt_at, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)`)
  const due = db.prepare<[number, number, number], DeliveryRow & { org_id: string }>(
    `SELECT * FROM deliveries WHERE status = 'pending' AND next_attempt_at <= ?
     AND (lease_until IS NULL OR lease_until <= ?) ORDER BY next_attempt_at LIMIT ?`,
  )
  const lease = db.prepare(
    'UPDATE deliveries SET lease_until = ?, attempts = attempts + 1 WHERE org_id = ? AND id = ?',
  )
  const subById = db.prepare<[string, string], SubscriptionRow>(
    'SELECT * FROM subscriptions WHERE org_id = ? AND id = ?',
  )
  const held = db.prepare<
    [string, string],
    { attempts: number; status: string; subscription_id: string }
  >('SELECT attempts, status, subscription_id FROM deliveries WHERE org_id = ? AND id = ?')
  const insertAttempt = db.prepare(`INSERT INTO delivery_attempts (org_id, delivery_id, attempt,
    subscription_id, started_at, duration_ms, ok, status_code, error, response_body)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
  const settle = db.prepare(`UPDATE deliveries SET status = @status, next_attempt_at = @next,
    lease_until = NULL, last_status = @code, last_error = @error, body = coalesce(body, @body),
    delivered_at = @delivered WHERE org_id = @org AND id = @id`)
  const subOk = db.prepare(
    'UPDATE subscriptions SET failure_count = 0, last_triggered_at = ? WHERE org_id = ? AND id = ?',
  )
  const subTouched = db.prepare(
    'UPDATE subscriptions SET last_triggered_at = ? WHERE org_id = ? AND id = ?',
  )
  const subFailed = db.prepare<[number, string, string], { failure_count: number }>(
    `UPDATE subscriptions SET failure_count = failure_count + 1, last_triggered_at = ?
     WHERE org_id = ? AND id = ? RETURNING failure_count`,
  )
  const disable = db.prepare(
    'UPDATE subscriptions SET enabled = 0, disabled_reason = ?, updated_at = ? WHERE org_id = ? AND id = ? AND enabled = 1',
  )
  const getDelivery = db.prepare<[string, string, string], DeliveryRow>(
    'SELECT * FROM deliveries WHERE org_id = ? AND subscription_id = ? AND id = ?',
  )
  const requeue = db.prepare(
    "UPDATE deliveries SET status = 'pending', next_attempt_at = ?, lease_until = NULL WHERE org_id = ? AND id = ?",
  )
  const purgeAttempts = db.prepare(`DELETE FROM delivery_attempts WHERE (org_id, delivery_id) IN
    (SELECT org_id, id FROM deliveries WHERE status != 'pending' AND created_at < ?)`)
  const purgeDeliveries = db.prepare(
    "DELETE FROM deliveries WHERE status != 'pending' AND created_at < ?",
  )

  const createSubscription = db.transaction(
    (orgId: string, s: NewSubscription, now: number): SubscriptionRecord => {
      ensureOrg.run(orgId, orgId, now)
      insertSub.run({
        org: orgId,
        ...s,
        topics: JSON.stringify(s.topics),
        enabled: s.enabled === false ? 0 : 1,
        now,
      })
      bump.run(orgId)
      return subscriptionFromRow(getSub.get(orgId, s.kind, s.id) as SubscriptionRow)
    },
  )

  const updateSubscription = db.transaction(
    (
      orgId: string,
      kind: SubscriptionKind,
      id: string,
      patch: SubscriptionPatch,
      now: number,
    ): SubscriptionRecord | undefined => {
      if (!getSub.get(orgId, kind, id)) return undefined
      const sets: string[] = ['updated_at = @now']
      const values: Record<string, unknown> = { org: orgId, kind, id, now }
      for (const key of ['url', 'secret', 'config', 'agent_name', 'description'] as const)
        if (patch[key] !== undefined) {
          sets.push(`${key} = @${key}`)
          values[key] = patch[key]
        }
      if (patch.topics !== undefined) {
        sets.push('topics = @topics')
        values.topics = JSON.stringify(patch.topics)
      }
      if (patch.enabled === true)
        sets.push('enabled = 1, disabled_reason = NULL, failure_count = 0')
      if (patch.enabled === false) sets.push("enabled = 0, disabled_reason = 'operator'")
      db.prepare(
        `UPDATE subscriptions SET ${sets.join(', ')} WHERE org_id = @org AND kind = @kind AND id = @id`,
      ).run(values)
      bump.run(orgId)
      return subscriptionFromRow(getSub.get(orgId, kind, id) as SubscriptionRow)
    },
  )

  const deleteSubscription = db.transaction(
    (orgId: string, kind: SubscriptionKind, id: string): boolean => {
      if (deleteSub.run(orgId, kind, id).changes === 0) return false
      deleteAttempts.run(orgId, id)
      deleteDeliveries.run(orgId, id)
      bump.run(orgId)
      return true
    },
  )

  const fanOut = db.transaction((now: number, maxEvents: number): number => {
    const rows = takeRows(takeOutbox.all(100), maxEvents)
    if (rows.length === 0) return 0
    const subs = new Map<string, SubscriptionRecord[]>()
    for (const row of rows) {
      let list = subs.get(row.org_id)
      if (!list) subs.set(row.org_id, (list = orgSubs.all(row.org_id).map(subscriptionFromRow)))
      if (list.length === 0) continue
      const events =
        row.topic === EVENTS_ROW
          ? eventsIn.all(row.org_id, Number(row.seq), Number(row.seq_to))
          : []
      for (const d of deliveriesOf(row, events, list))
        insertDelivery.run(
          row.org_id,
          uuidv7(now),
          d.subscription_id,
          d.topic,
          d.event_id,
          d.agent,
          d.environment,
          d.data,
          d.announced_at,
          now,
          now,
        )
    }
    dropOutbox.run(Number((rows[rows.length - 1] as StoredOutboxRow).id))
    return rows.length
  })

  const claimDeliveries = db.transaction(
    (now: number, limit: number, leaseMs: number): ClaimedDelivery[] => {
      const out: ClaimedDelivery[] = []
      for (const row of due.all(now, now, limit)) {
        const sub = subById.get(row.org_id, row.subscription_id)
        if (!sub) continue
        lease.run(now + leaseMs, row.org_id, row.id)
        const d = deliveryFromRow(row)
        out.push({
          ...d,
          attempts: d.attempts + 1,
          orgId: row.org_id,
          attempt: d.attempts + 1,
          subscription: subscriptionFromRow(sub),
        })
      }
      return out
    },
  )

  const settleOne = ({ orgId, id, attempt, outcome: o, maxFailures }: SettleItem): boolean => {
    const row = held.get(orgId, id)
    if (!row || row.attempts !== attempt || row.status !== 'pending') return false
    const sub = row
    insertAttempt.run(
      orgId,
      id,
      attempt,
      sub.subscription_id,
      o.startedAt,
      Math.round(o.durationMs),
      o.ok ? 1 : 0,
      o.status,
      o.error,
      o.responseBody,
    )
    const status = o.ok ? 'delivered' : o.retryAt === null ? 'failed' : 'pending'
    settle.run({
      org: orgId,
      id,
      status,
      next: o.retryAt ?? o.startedAt,
      code: o.status,
      error: o.error,
      body: o.body,
      delivered: o.ok ? o.startedAt + Math.round(o.durationMs) : null,
    })
    const at = o.startedAt
    if (o.ok) subOk.run(at, orgId, sub.subscription_id)
    else if (status === 'failed') {
      const { failure_count } = subFailed.get(at, orgId, sub.subscription_id) ?? {
        failure_count: 0,
      }
      if (failure_count >= maxFailures) {
        if (disable.run('failures', at, orgId, sub.subscription_id).changes > 0) bump.run(orgId)
      }
    } else subTouched.run(at, orgId, sub.subscription_id)
    if (o.disable && disable.run(o.disable, at, orgId, sub.subscription_id).changes > 0)
      bump.run(orgId)
    return true
  }
  const settleMany = db.transaction((items: readonly SettleItem[]) => items.map(settleOne))

  const enqueue = db.transaction(
    (orgId: string, subscriptionId: string, topic: string, data: string, now: number) => {
      const id = uuidv7(now)
      insertDelivery.run(orgId, id, subscriptionId, topic, null, null, '', data, now, now, now)
      return deliveryFromRow(getDelivery.get(orgId, subscriptionId, id) as DeliveryRow)
    },
  )

  const redeliver = db.transaction(
    (orgId: string, subscriptionId: string, id: string, now: number) => {
      if (!getDelivery.get(orgId, subscriptionId, id)) return undefined
      requeue.run(now, orgId, id)
      return deliveryFromRow(getDelivery.get(orgId, subscriptionId, id) as DeliveryRow)
    },
  )

  const purge = db.transaction(
    (before: number): number =>
      purgeAttempts.run(before).changes + purgeDeliveries.run(before).changes,
  )

  return {
    createSubscription: (orgId: string, s: NewSubscription, now: number) =>
      createSubscription(orgId, s, now),
    updateSubscription: (
      orgId: string,
      kind: SubscriptionKind,
      id: string,
      patch: SubscriptionPatch,
      now: number,
    ) => updateSubscription(orgId, kind, id, patch, now),
    deleteSubscription: (orgId: string, kind: SubscriptionKind, id: string) =>
      deleteSubscription(orgId, kind, id),
    fanOut: (now: number, limit: number): number => fanOut(now, limit),
    // Claims and settlements need no fsync of their own: one lost in a crash only means the same
    // delivery (same id) is made again, which at least once allows. The fan-out stays durable: a
    // lost one would make its deliveries again under new ids.
    claimDeliveries: (now: number, limit: number, leaseMs: number) =>
      withoutFsync(db, () => claimDeliveries(now, limit, leaseMs)),
    /** Many attempts' outcomes in one transaction (the store batches them, see sqlite-store.ts). */
    settleDeliveries: (items: readonly SettleItem[]): boolean[] =>
      withoutFsync(db, () => settleMany(items)),
    enqueueDelivery: (
      orgId: string,
      subscriptionId: string,
      topic: string,
      data: string,
      now: number,
    ): DeliveryRecord => enqueue(orgId, subscriptionId, topic, data, now),
    redeliver: (orgId: string, subscriptionId: string, id: string, now: number) =>
      redeliver(orgId, subscriptionId, id, now),
    purgeDeliveries: (before: number): number => purge(before),
  }
}
