import type pg from 'pg'
import { outboxRows } from '../outbox-rows.js'
import type { InsertedEvent, Topic } from '../outbox-rows.js'
import { subscriptionFromRow, topicsWanted } from '../subscription-rows.js'
import type { SubscriptionRow } from '../subscription-rows.js'
import type { ControlsCache } from './postgres-control-ops.js'

const INSERT = `INSERT INTO outbox (org_id, topic, event_id, seq, agent, environment, data, created_at)
  SELECT $1, * FROM unnest($2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::bigint[])`

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
  await client.query({
    name: 'append-outbox',
    text: INSERT,
    values: [
      orgId,
      rows.map((r) => r.topic),
      rows.map((r) => r.eventId),
      rows.map((r) => r.seq),
      rows.map((r) => r.agent),
      rows.map((r) => r.environment),
      rows.map((r) => r.data),
      rows.map(() => now),
    ],
  })
  return rows.length
}
