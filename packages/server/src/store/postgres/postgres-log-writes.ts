import type pg from 'pg'
import type { EventRow } from '../event-row.js'
import { OrgLog, asBuffer, gapTombstones } from '../log-append.js'
import type { AppendItem } from '../store.js'
import { SELECT_EVENT } from './postgres-query.js'
import { withTransaction } from './postgres-tx.js'

/** How many leaves one start-up backfill transaction appends. */
const BACKFILL_CHUNK = 5_000

/**
 * Everything a transaction adds to an org's log, as data-modifying CTEs that the statement moving
 * the org's counter carries (postgres-append.ts), or that stand alone (`writeOrgLog`): the leaves,
 * their openings (gap leaves have none), the kept interior nodes and the new head. Parameters: $1
 * the org, $3 to $7 `logRowValues`. Leaves and nodes travel as one JSON array each (binary in
 * base64): JSON.stringify is native, where the driver's text[] literal escapes every quote of
 * every leaf in JavaScript (measured: 2 against 18 µs per leaf). `->>` gives each string back
 * exactly as it was sent.
 */
export const LOG_ROWS = `lr AS MATERIALIZED (SELECT (r->>0)::bigint AS seq, r->>1 AS leaf, decode(r->>2, 'base64') AS hash,
    decode(r->>3, 'base64') AS salt FROM json_array_elements($3::json) AS r),
  l AS (INSERT INTO log_leaves (org_id, seq, leaf, hash) SELECT $1, seq, leaf, hash FROM lr),
  o AS (INSERT INTO log_openings (org_id, seq, salt) SELECT $1, seq, salt FROM lr WHERE salt IS NOT NULL),
  n AS (INSERT INTO log_nodes (org_id, level, idx, hash)
    SELECT $1, (r->>0)::smallint, (r->>1)::bigint, decode(r->>2, 'base64') FROM json_array_elements($4::json) AS r),
  h AS (INSERT INTO log_heads (org_id, size, frontier, updated_at) VALUES ($1, $5, $6, $7)
    ON CONFLICT (org_id) DO UPDATE SET size = EXCLUDED.size, frontier = EXCLUDED.frontier, updated_at = EXCLUDED.updated_at)`

/** The values of $3 to $7 of `LOG_ROWS`. */
export function logRowValues(log: OrgLog, now: number): unknown[] {
  return [
    JSON.stringify(
      log.leaves.map((l) => [
        l.seq,
        l.leaf,
        l.hash.toString('base64'),
        l.salt === null ? null : asBuffer(l.salt).toString('base64'),
      ]),
    ),
    JSON.stringify(log.nodes.map((n) => [n.level, n.idx, n.hash.toString('base64')])),
    log.size,
    log.frontierBytes(),
    now,
  ]
}

/** `LOG_ROWS` alone (the backfill), answering the new size ($2). */
const WRITE_LOG = `WITH ${LOG_ROWS} SELECT $2::bigint AS size`

/**
 * Opens an org's log at its head inside the caller's transaction, which holds the org's row lock
 * (postgres-tx.ts `lockOrg`), and brings it up to `upToSeq` from stored events when it trails (an
 * org with events from before the log existed, or appended by a server without it): leaves are
 * appended in seq order and no seq is skipped.
 */
export async function openOrgLog(
  client: pg.PoolClient,
  orgId: string,
  upToSeq: number,
  max = Infinity,
): Promise<OrgLog> {
  // A statement of its own after the lock: in READ COMMITTED it sees what the appends this one
  // waited for committed (a join in the locking statement would read the head as it was before).
  const { rows } = await client.query<{ size: string; frontier: Buffer }>({
    name: 'log-head',
    text: 'SELECT size, frontier FROM log_heads WHERE org_id = $1',
    values: [orgId],
  })
  const head = rows[0]
  const log = new OrgLog(head ? Number(head.size) : 0, head?.frontier ?? null)
  while (log.size < upToSeq && max > 0) {
    const limit = Math.min(max, 1_000)
    const events = (
      await client.query<EventRow>(
        `${SELECT_EVENT} WHERE e.org_id = $1 AND e.seq > $2 AND e.seq <= $3 ORDER BY e.seq LIMIT $4`,
        [orgId, log.size, upToSeq, limit],
      )
    ).rows
    const last = events.length < limit ? upToSeq : Number(events.at(-1)?.seq)
    let i = 0
    while (log.size < last && max > 0) {
      const seq = log.size + 1
      const row = events[i]
      if (row && Number(row.seq) === seq) {
        log.appendRow(row)
        i++
      } else log.appendGap(orgId, seq)
      max--
    }
  }
  return log
}

/** Writes what the transaction added to the org's log (nothing when it added no leaf). */
export async function writeOrgLog(
  client: pg.PoolClient,
  orgId: string,
  log: OrgLog,
  now: number,
): Promise<void> {
  if (log.leaves.length === 0) return
  await client.query({
    name: 'log-write',
    text: WRITE_LOG,
    values: [orgId, log.size, ...logRowValues(log, now)],
  })
}

/**
 * Builds the log of every org whose events predate it, in transactions of a few thousand leaves
 * under the org's lock (so servers starting together, and appends, take turns), before this
 * server takes writes. The seqs a chunk found no event for get their tombstones (`gapTombstones`)
 * through `append` in that chunk's transaction (`client`), so no crash can leave a gap leaf that
 * nothing covers; `append` must not touch the log (the chunks that follow append the tombstones'
 * own leaves). Returns how many leaves it appended.
 */
export async function backfillPostgresLog(
  pool: pg.Pool,
  append: (client: pg.PoolClient, items: AppendItem[]) => Promise<unknown>,
): Promise<number> {
  const { rows } = await pool.query<{ org_id: string }>(
    `SELECT o.id AS org_id FROM orgs o LEFT JOIN log_heads h ON h.org_id = o.id
     WHERE o.next_seq - 1 > coalesce(h.size, 0)`,
  )
  let appended = 0
  for (const { org_id: orgId } of rows) {
    let done = false
    while (!done)
      await withTransaction(
        pool,
        async (client, org) => {
          if (!org) {
            done = true
            return
          }
          const upTo = Number(org.nextSeq) - 1
          const log = await openOrgLog(client, orgId, upTo, BACKFILL_CHUNK)
          await writeOrgLog(client, orgId, log, Date.now())
          appended += log.leaves.length
          const tombstones = gapTombstones(log.gaps, Date.now())
          if (tombstones.length > 0)
            await append(
              client,
              tombstones.map((event) => ({ orgId, event, system: true })),
            )
          // The tombstones just appended lie past `upTo`: another chunk appends their leaves.
          done = log.size >= upTo && tombstones.length === 0
        },
        { lockOrg: orgId, createOrg: false },
      )
  }
  return appended
}
