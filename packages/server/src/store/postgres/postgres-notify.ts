import type pg from 'pg'
import { uuidv7 } from '@agenttrail/protocol'
import type {
  ClaimedDelivery,
  NewSubscription,
  NotifyStore,
  SubscriptionKind,
  SubscriptionPatch,
  SubscriptionRecord,
} from '../notify-store.js'
import { attemptFromRow, deliveryFromRow, subscriptionFromRow } from '../subscription-rows.js'
import { deliveriesOf, takeRows } from '../fan-out.js'
import type { StoredOutboxRow } from '../fan-out.js'
import type { EventRow } from '../event-row.js'
import { EVENTS_ROW } from '../outbox-rows.js'
import type { AttemptRow, DeliveryRow, SubscriptionRow } from '../subscription-rows.js'
import { withTransaction } from './postgres-tx.js'
import { createBatcher } from '../../batcher.js'
import type { SettleItem } from '../subscription-rows.js'

const BUMP = 'UPDATE orgs SET notify_version = notify_version + 1 WHERE id = $1'
const INSERT_DELIVERIES = `INSERT INTO deliveries (org_id, id, subscription_id, topic, event_id, agent,
  environment, data, announced_at, status, next_attempt_at, created_at)
  SELECT *, 'pending', $10::bigint, $10::bigint FROM unnest($1::text[], $2::text[], $3::text[], $4::text[],
    $5::text[], $6::text[], $7::text[], $8::text[], $9::bigint[])`

/**
 * The publish stage on PostgreSQL, shared by every server on the database: the fan-out takes outbox
 * rows and the dispatchers take deliveries with `FOR UPDATE SKIP LOCKED`, so no two servers take
 * the same row, and a lease lets another server retry a delivery whose dispatcher died.
 */
export function createPostgresNotify(pool: pg.Pool, fastPool: pg.Pool): NotifyStore {
  const getSub = async (db: pg.Pool | pg.PoolClient, orgId: string, kind: string, id: string) => {
    const { rows } = await db.query<SubscriptionRow>(
      'SELECT * FROM subscriptions WHERE org_id = $1 AND kind = $2 AND id = $3',
      [orgId, kind, id],
    )
    return rows[0] && subscriptionFromRow(rows[0])
  }
  const getDelivery = async (
    db: pg.Pool | pg.PoolClient,
    orgId: string,
    subId: string,
    id: string,
  ) => {
    const { rows } = await db.query<DeliveryRow>(
      'SELECT * FROM deliveries WHERE org_id = $1 AND subscription_id = $2 AND id = $3',
      [orgId, subId, id],
    )
    return rows[0] && deliveryFromRow(rows[0])
  }
  // Attempts' outcomes share transactions (on the pool that does not wait for fsync).
  const settles = createBatcher(
    (items: readonly SettleItem[]) => withTransaction(fastPool, (c) => settleMany(c, items)),
    256,
  )

  return {
    createSubscription: (orgId: string, s: NewSubscription, now: number) =>
      withTransaction(pool, async (c) => {
        await c.query(
          'INSERT INTO orgs (id, name, created_at) VALUES ($1, $1, $2) ON CONFLICT (id) DO NOTHING',
          [orgId, now],
        )
        await c.query(
          `INSERT INTO subscriptions (org_id, id, kind, channel, url, secret, config, topics, agent_name,
            description, enabled, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)`,
          [
            orgId,
            s.id,
            s.kind,
            s.channel,
            s.url,
            s.secret,
            s.config,
            JSON.stringify(s.topics),
            s.agent_name,
            s.description,
            s.enabled !== false,
            now,
          ],
        )
        await c.query(BUMP, [orgId])
        return (await getSub(c, orgId, s.kind, s.id)) as SubscriptionRecord
      }),
    listSubscriptions: async (orgId: string, kind: SubscriptionKind) =>
      (
        await pool.query<SubscriptionRow>(
          'SELECT * FROM subscriptions WHERE org_id = $1 AND kind = $2 ORDER BY created_at, id',
          [orgId, kind],
        )
      ).rows.map(subscriptionFromRow),
    getSubscription: (orgId, kind, id) => getSub(pool, orgId, kind, id),
    updateSubscription: (
      orgId: string,
      kind: SubscriptionKind,
      id: string,
      patch: SubscriptionPatch,
      now: number,
    ) =>
      withTransaction(pool, async (c) => {
        const sets = ['updated_at = $4']
        const values: unknown[] = [orgId, kind, id, now]
        const set = (column: string, value: unknown) => {
          values.push(value)
          sets.push(`${column} = $${values.length}`)
        }
        for (const key of ['url', 'secret', 'config', 'agent_name', 'description'] as const)
          if (patch[key] !== undefined) set(key, patch[key])
        if (patch.topics !== undefined) set('topics', JSON.stringify(patch.topics))
        if (patch.enabled === true)
          sets.push('enabled = true, disabled_reason = NULL, failure_count = 0')
        if (patch.enabled === false) sets.push("enabled = false, disabled_reason = 'operator'")
        const { rowCount } = await c.query(
          `UPDATE subscriptions SET ${sets.join(', ')} WHERE org_id = $1 AND kind = $2 AND id = $3`,
          values,
        )
        if (!rowCount) return undefined
        await c.query(BUMP, [orgId])
        return getSub(c, orgId, kind, id)
      }),
    deleteSubscription: (orgId: string, kind: SubscriptionKind, id: string) =>
      withTransaction(pool, async (c) => {
        const { rowCount } = await c.query(
          'DELETE FROM subscriptions WHERE org_id = $1 AND kind = $2 AND id = $3',
          [orgId, kind, id],
        )
        if (!rowCount) return false
        await c.query('DELETE FROM delivery_attempts WHERE org_id = $1 AND subscription_id = $2', [
          orgId,
          id,
        ])
        await c.query('DELETE FROM deliveries WHERE org_id = $1 AND subscription_id = $2', [
          orgId,
          id,
        ])
        await c.query(BUMP, [orgId])
        return true
      }),

    fanOut: (now: number, maxEvents: number) =>
      withTransaction(pool, async (c) => {
        // Rows another server is fanning out are skipped; the rows not taken are unlocked at commit.
        const locked = await c.query<StoredOutboxRow>(
          'SELECT * FROM outbox ORDER BY id LIMIT 100 FOR UPDATE SKIP LOCKED',
        )
        const rows = takeRows(locked.rows, maxEvents)
        if (rows.length === 0) return 0
        await c.query('DELETE FROM outbox WHERE id = ANY($1)', [rows.map((r) => r.id)])
        const orgs = [...new Set(rows.map((r) => r.org_id))]
        const subs = new Map<string, SubscriptionRecord[]>(orgs.map((o) => [o, []]))
        const found = await c.query<SubscriptionRow & { org_id: string }>(
          'SELECT * FROM subscriptions WHERE org_id = ANY($1) AND enabled',
          [orgs],
        )
        for (const r of found.rows) subs.get(r.org_id)?.push(subscriptionFromRow(r))
        const cols: Array<Array<string | number | null>> = [[], [], [], [], [], [], [], [], []]
        for (const row of rows) {
          const list = subs.get(row.org_id) ?? []
          if (list.length === 0) continue
          const events =
            row.topic === EVENTS_ROW
              ? (
                  await c.query<EventRow>(
                    'SELECT * FROM events WHERE org_id = $1 AND seq >= $2 AND seq <= $3 ORDER BY seq',
                    [row.org_id, row.seq, row.seq_to],
                  )
                ).rows
              : []
          for (const d of deliveriesOf(row, events, list))
            [
              row.org_id,
              uuidv7(now),
              d.subscription_id,
              d.topic,
              d.event_id,
              d.agent,
              d.environment,
              d.data,
              d.announced_at,
            ].forEach((v, i) => cols[i]?.push(v))
        }
        if ((cols[0] as unknown[]).length > 0) await c.query(INSERT_DELIVERIES, [...cols, now])
        return rows.length
      }),

    // A claim lost in a crash only means the same delivery (same id) is made again: no fsync wait.
    claimDeliveries: async (now: number, limit: number, leaseMs: number) => {
      const { rows } = await fastPool.query<DeliveryRow & { org_id: string }>(
        `UPDATE deliveries SET lease_until = $3, attempts = attempts + 1
         WHERE (org_id, id) IN (SELECT org_id, id FROM deliveries WHERE status = 'pending' AND next_attempt_at <= $1
           AND (lease_until IS NULL OR lease_until <= $1) ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED)
         RETURNING *`,
        [now, limit, now + leaseMs],
      )
      if (rows.length === 0) return []
      const subs = await pool.query<SubscriptionRow & { org_id: string }>(
        'SELECT * FROM subscriptions WHERE (org_id, id) IN (SELECT * FROM unnest($1::text[], $2::text[]))',
        [rows.map((r) => r.org_id), rows.map((r) => r.subscription_id)],
      )
      const byKey = new Map(
        subs.rows.map((s) => [`${s.org_id}\u0000${s.id}`, subscriptionFromRow(s)]),
      )
      const out: ClaimedDelivery[] = []
      for (const row of rows) {
        const subscription = byKey.get(`${row.org_id}\u0000${row.subscription_id}`)
        if (!subscription) continue
        const d = deliveryFromRow(row)
        out.push({ ...d, orgId: row.org_id, attempt: d.attempts, subscription })
      }
      return out
    },

    settleDelivery: async (orgId, id, attempt, outcome, maxFailures) =>
      (await settles.append([{ orgId, id, attempt, outcome, maxFailures }]))[0] as boolean,

    enqueue: async (
      orgId: string,
      subscriptionId: string,
      topic: string,
      data: string,
      now: number,
    ) => {
      const id = uuidv7(now)
      await pool.query(INSERT_DELIVERIES, [
        [orgId],
        [id],
        [subscriptionId],
        [topic],
        [null],
        [null],
        [''],
        [data],
        [now],
        now,
      ])
      return (await getDelivery(pool, orgId, subscriptionId, id)) as NonNullable<
        Awaited<ReturnType<typeof getDelivery>>
      >
    },
    redeliver: async (orgId: string, subscriptionId: string, id: string, now: number) => {
      const { rowCount } = await pool.query(
        `UPDATE deliveries SET status = 'pending', next_attempt_at = $4, lease_until = NULL
         WHERE org_id = $1 AND subscription_id = $2 AND id = $3`,
        [orgId, subscriptionId, id, now],
      )
      return rowCount ? getDelivery(pool, orgId, subscriptionId, id) : undefined
    },
    listDeliveries: async (orgId, subscriptionId, page) => {
      const { rows } = await pool.query<DeliveryRow>(
        `SELECT * FROM deliveries WHERE org_id = $1 AND subscription_id = $2
           AND (created_at < $3 OR (created_at = $3 AND id < $5))
         ORDER BY created_at DESC, id DESC LIMIT $4`,
        [
          orgId,
          subscriptionId,
          page.before ?? Number.MAX_SAFE_INTEGER,
          page.limit,
          page.beforeId ?? '',
        ],
      )
      const attempts = await pool.query<AttemptRow>(
        `SELECT a.*, d.topic FROM delivery_attempts a JOIN deliveries d ON d.org_id = a.org_id AND d.id = a.delivery_id
         WHERE a.org_id = $1 AND a.delivery_id = ANY($2) ORDER BY a.attempt`,
        [orgId, rows.map((r) => r.id)],
      )
      return rows.map((r) => ({
        ...deliveryFromRow(r),
        attempts_log: attempts.rows.filter((a) => a.delivery_id === r.id).map(attemptFromRow),
      }))
    },
    listAttempts: async (orgId, kind, limit) =>
      (
        await pool.query<AttemptRow>(
          `SELECT a.*, d.topic FROM delivery_attempts a
           JOIN subscriptions s ON s.org_id = a.org_id AND s.id = a.subscription_id
           JOIN deliveries d ON d.org_id = a.org_id AND d.id = a.delivery_id
           WHERE a.org_id = $1 AND s.kind = $2 ORDER BY a.started_at DESC LIMIT $3`,
          [orgId, kind, limit],
        )
      ).rows.map(attemptFromRow),
    backlog: async () => {
      const { rows } = await pool.query<{ outbox: string; pending: string }>(
        `SELECT (SELECT count(*) FROM outbox) AS outbox,
           (SELECT count(*) FROM deliveries WHERE status = 'pending') AS pending`,
      )
      return { outbox: Number(rows[0]?.outbox), pending: Number(rows[0]?.pending) }
    },
    purge: (before: number) =>
      withTransaction(pool, async (c) => {
        const a = await c.query(
          `DELETE FROM delivery_attempts WHERE (org_id, delivery_id) IN
            (SELECT org_id, id FROM deliveries WHERE status != 'pending' AND created_at < $1)`,
          [before],
        )
        const d = await c.query(
          "DELETE FROM deliveries WHERE status != 'pending' AND created_at < $1",
          [before],
        )
        return (a.rowCount ?? 0) + (d.rowCount ?? 0)
      }),
  }
}

async function disable(c: pg.PoolClient, orgId: string, subId: string, reason: string, at: number) {
  const { rowCount } = await c.query(
    'UPDATE subscriptions SET enabled = false, disabled_reason = $3, updated_at = $4 WHERE org_id = $1 AND id = $2 AND enabled',
    [orgId, subId, reason, at],
  )
  if (rowCount) await c.query(BUMP, [orgId])
}

/**
 * Records many attempts' outcomes on the transaction's client in a fixed number of statements,
 * whatever their number (see NotifyStore.settleDelivery): an outcome counts only when its delivery
 * is still pending at that attempt (not taken again since its lease lapsed).
 */
async function settleMany(c: pg.PoolClient, items: readonly SettleItem[]): Promise<boolean[]> {
  const key = (orgId: string, id: string) => `${orgId}\u0000${id}`
  const { rows } = await c.query<{
    org_id: string
    id: string
    attempts: string
    status: string
    subscription_id: string
  }>(
    `SELECT org_id, id, attempts, status, subscription_id FROM deliveries
     WHERE (org_id, id) IN (SELECT * FROM unnest($1::text[], $2::text[])) ORDER BY org_id, id FOR UPDATE`,
    [items.map((i) => i.orgId), items.map((i) => i.id)],
  )
  const held = new Map(rows.map((r) => [key(r.org_id, r.id), r]))
  const seen = new Set<string>()
  const live: Array<SettleItem & { subId: string; status: string }> = []
  const settled = items.map((i) => {
    const k = key(i.orgId, i.id)
    const row = held.get(k)
    if (!row || seen.has(k) || Number(row.attempts) !== i.attempt || row.status !== 'pending')
      return false
    seen.add(k)
    const o = i.outcome
    live.push({
      ...i,
      subId: row.subscription_id,
      status: o.ok ? 'delivered' : o.retryAt === null ? 'failed' : 'pending',
    })
    return true
  })
  if (live.length === 0) return settled
  const col = <T>(f: (x: (typeof live)[number]) => T) => live.map(f)
  await c.query(
    `INSERT INTO delivery_attempts (org_id, delivery_id, attempt, subscription_id, started_at, duration_ms,
       ok, status_code, error, response_body)
     SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::bigint[], $6::bigint[],
       $7::boolean[], $8::bigint[], $9::text[], $10::text[])`,
    [
      col((x) => x.orgId),
      col((x) => x.id),
      col((x) => x.attempt),
      col((x) => x.subId),
      col((x) => x.outcome.startedAt),
      col((x) => Math.round(x.outcome.durationMs)),
      col((x) => x.outcome.ok),
      col((x) => x.outcome.status),
      col((x) => x.outcome.error),
      col((x) => x.outcome.responseBody),
    ],
  )
  await c.query(
    `UPDATE deliveries d SET status = i.status, next_attempt_at = i.next, lease_until = NULL,
       last_status = i.code, last_error = i.error, body = coalesce(d.body, i.body), delivered_at = i.delivered
     FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::text[], $7::text[], $8::bigint[])
       AS i(org_id, id, status, next, code, error, body, delivered)
     WHERE d.org_id = i.org_id AND d.id = i.id`,
    [
      col((x) => x.orgId),
      col((x) => x.id),
      col((x) => x.status),
      col((x) => x.outcome.retryAt ?? x.outcome.startedAt),
      col((x) => x.outcome.status),
      col((x) => x.outcome.error),
      col((x) => x.outcome.body),
      col((x) => (x.outcome.ok ? x.outcome.startedAt + Math.round(x.outcome.durationMs) : null)),
    ],
  )
  // Each subscription's outcomes in order: a success starts the count of failures in a row again.
  const subs = new Map<
    string,
    {
      orgId: string
      subId: string
      reset: boolean
      failed: number
      at: number
      gone: boolean
      max: number
    }
  >()
  for (const x of live) {
    const k = key(x.orgId, x.subId)
    const s = subs.get(k) ?? {
      orgId: x.orgId,
      subId: x.subId,
      reset: false,
      failed: 0,
      at: 0,
      gone: false,
      max: x.maxFailures,
    }
    if (x.outcome.ok) {
      s.reset = true
      s.failed = 0
    } else if (x.status === 'failed') s.failed++
    s.at = Math.max(s.at, x.outcome.startedAt)
    if (x.outcome.disable === 'gone') s.gone = true
    subs.set(k, s)
  }
  for (const s of subs.values()) {
    const { rows: after } = await c.query<{ failure_count: string }>(
      `UPDATE subscriptions SET failure_count = CASE WHEN $3 THEN $4 ELSE failure_count + $4 END,
         last_triggered_at = greatest(coalesce(last_triggered_at, 0), $5)
       WHERE org_id = $1 AND id = $2 RETURNING failure_count`,
      [s.orgId, s.subId, s.reset, s.failed, s.at],
    )
    if (s.failed > 0 && Number(after[0]?.failure_count ?? 0) >= s.max)
      await disable(c, s.orgId, s.subId, 'failures', s.at)
    if (s.gone) await disable(c, s.orgId, s.subId, 'gone', s.at)
  }
  return settled
}
