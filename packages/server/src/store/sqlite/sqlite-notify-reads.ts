import type Database from 'better-sqlite3'
import type { AttemptRecord, DeliveryRecord, SubscriptionKind } from '../notify-store.js'
import { attemptFromRow, deliveryFromRow, subscriptionFromRow } from '../subscription-rows.js'
import type { AttemptRow, DeliveryRow, SubscriptionRow } from '../subscription-rows.js'

/** The publish stage's reads on SQLite, on the readers' connection. */
export function createSqliteNotifyReads(db: Database.Database) {
  const list = db.prepare<[string, string], SubscriptionRow>(
    'SELECT * FROM subscriptions WHERE org_id = ? AND kind = ? ORDER BY created_at, id',
  )
  const get = db.prepare<[string, string, string], SubscriptionRow>(
    'SELECT * FROM subscriptions WHERE org_id = ? AND kind = ? AND id = ?',
  )
  const deliveries = db.prepare<
    { org: string; sub: string; before: number; beforeId: string; limit: number },
    DeliveryRow
  >(
    `SELECT * FROM deliveries WHERE org_id = @org AND subscription_id = @sub
       AND (created_at < @before OR (created_at = @before AND id < @beforeId))
     ORDER BY created_at DESC, id DESC LIMIT @limit`,
  )
  const attemptsOf = db.prepare<[string, string], AttemptRow>(
    `SELECT a.*, d.topic FROM delivery_attempts a JOIN deliveries d ON d.org_id = a.org_id AND d.id = a.delivery_id
     WHERE a.org_id = ? AND a.delivery_id = ? ORDER BY a.attempt`,
  )
  const attemptsOfKind = db.prepare<[string, string, number], AttemptRow>(
    `SELECT a.*, d.topic FROM delivery_attempts a
     JOIN subscriptions s ON s.org_id = a.org_id AND s.id = a.subscription_id
     JOIN deliveries d ON d.org_id = a.org_id AND d.id = a.delivery_id
     WHERE a.org_id = ? AND s.kind = ? ORDER BY a.started_at DESC LIMIT ?`,
  )
  const backlog = db.prepare<[], { outbox: number; pending: number }>(
    `SELECT (SELECT count(*) FROM outbox) AS outbox,
       (SELECT count(*) FROM deliveries WHERE status = 'pending') AS pending`,
  )
  return {
    listSubscriptions: (orgId: string, kind: SubscriptionKind) =>
      list.all(orgId, kind).map(subscriptionFromRow),
    getSubscription: (orgId: string, kind: SubscriptionKind, id: string) => {
      const row = get.get(orgId, kind, id)
      return row && subscriptionFromRow(row)
    },
    listDeliveries: (
      orgId: string,
      subscriptionId: string,
      page: { limit: number; before?: number; beforeId?: string },
    ): Array<DeliveryRecord & { attempts_log: AttemptRecord[] }> =>
      deliveries
        .all({
          org: orgId,
          sub: subscriptionId,
          before: page.before ?? Number.MAX_SAFE_INTEGER,
          beforeId: page.beforeId ?? '',
          limit: page.limit,
        })
        .map((row) => ({
          ...deliveryFromRow(row),
          attempts_log: attemptsOf.all(orgId, row.id).map(attemptFromRow),
        })),
    listAttempts: (orgId: string, kind: SubscriptionKind, limit: number) =>
      attemptsOfKind.all(orgId, kind, limit).map(attemptFromRow),
    backlog: () => backlog.get() as { outbox: number; pending: number },
  }
}
