import type Database from 'better-sqlite3'
import { outboxColumns, outboxRows } from '../outbox-rows.js'
import type { InsertedEvent, Topic } from '../outbox-rows.js'
import { subscriptionFromRow, topicsWanted } from '../subscription-rows.js'
import type { SubscriptionRow } from '../subscription-rows.js'

/**
 * The append's outbox step on SQLite: the rows for what the transaction's new events announce,
 * written in that transaction (see outbox-rows.ts). The topics each org wants are cached per
 * process by the org's `notify_version`, which every subscription change moves on; an org without
 * subscriptions costs one map lookup per append.
 */
export function createSqliteOutbox(db: Database.Database) {
  const insert = db.prepare(
    `INSERT INTO outbox (org_id, topic, seq, seq_to, environment, data, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  )
  const subscriptions = db.prepare<[string], SubscriptionRow>(
    'SELECT * FROM subscriptions WHERE org_id = ? AND enabled = 1',
  )
  const cache = new Map<string, { version: number; topics: ReadonlySet<Topic> }>()
  const topicsOf = (orgId: string, version: number): ReadonlySet<Topic> => {
    const hit = cache.get(orgId)
    if (hit?.version === version) return hit.topics
    const topics = topicsWanted(subscriptions.all(orgId).map(subscriptionFromRow))
    cache.set(orgId, { version, topics })
    return topics
  }
  const none: ReadonlySet<Topic> = new Set()
  return (
    inserted: readonly InsertedEvent[],
    versions: ReadonlyMap<string, number>,
    now: number,
  ) => {
    const rows = outboxRows(inserted, (orgId) => {
      const version = versions.get(orgId)
      return version === undefined ? none : topicsOf(orgId, version)
    })
    for (const r of rows) insert.run(r.orgId, ...outboxColumns(r), now)
    return rows.length
  }
}
