import type pg from 'pg'
import { outboxColumns, outboxRows } from '../outbox-rows.js'
import type { InsertedEvent, Topic } from '../outbox-rows.js'
import { subscriptionFromRow, topicsWanted } from '../subscription-rows.js'
import type { SubscriptionRow } from '../subscription-rows.js'
import type { ControlsCache } from './postgres-control-ops.js'

const INSERT = `INSERT INTO outbox (org_id, topic, seq, seq_to, environment, data, created_at)
  SELECT $1, *, $7::bigint FROM unnest($2::text[], $3::bigint[], $4::bigint[], $5::text[], $6::text[])`

/**
 * The append's outbox step on PostgreSQL, for one org whose row the transaction holds locked: the
 * rows for what its new events announce (outbox-rows.ts), in one statement, in the append's
 * transaction. The topics the org wants are cached per process by its `notify_version`; an org
 * without subscriptions writes nothing and costs no round trip.
 */
export async function writeOutbox(
  client: pg.PoolClient,
  cache: ControlsCache,
  orgId: string,
  notifyVersion: number,
  inserted: readonly InsertedEvent[],
  now: number,
): Promise<number> {
  let hit = cache.topics.get(orgId)
  if (hit?.version !== notifyVersion) {
    const { rows } = await client.query<SubscriptionRow>(
      'SELECT * FROM subscriptions WHERE org_id = $1 AND enabled',
      [orgId],
    )
    hit = { version: notifyVersion, topics: topicsWanted(rows.map(subscriptionFromRow)) }
    if (cache.topics.size > 100_000) cache.topics.clear()
    cache.topics.set(orgId, hit)
  }
  const topics: ReadonlySet<Topic> = hit.topics
  if (topics.size === 0) return 0
  const rows = outboxRows(inserted, () => topics)
  if (rows.length === 0) return 0
  const columns = rows.map(outboxColumns)
  await client.query({
    name: 'append-outbox',
    text: INSERT,
    values: [orgId, ...[0, 1, 2, 3, 4].map((i) => columns.map((c) => c[i])), now],
  })
  return rows.length
}
