import type pg from 'pg'
import type { EventRow } from '../event-row.js'
import { OrgLog, gapTombstones } from '../log-append.js'
import type { AppendItem } from '../store.js'
import { SELECT_EVENT } from './postgres-query.js'
import type { LockedOrg } from './postgres-tx.js'
import { withTransaction } from './postgres-tx.js'

/** How many leaves one start-up backfill transaction appends. */
const BACKFILL_CHUNK = 5_000

/**
 * Everything a transaction adds to an org's log, as data-modifying CTEs (`rows`) for the UPDATE of
 * the org's row that sets its new head (`head`): the statement moving the org's counter
 * (postgres-append.ts), or one of its own (`writeOrgLog`). The CTEs write the leaves, the kept
 * interior nodes and the salts of stored events the backfill reached (a new event's salt goes in
 * with its row). Parameters: $1 the org, $k to $k+7 `logRowValues`.
 *
 * The leaves, consecutive seqs from the first, travel as one text of their texts joined by U+0001
 * (canonical JSON never holds a raw control character) and their hashes as one bytea of 32 bytes
 * each: `string_to_array` splits them in one pass, where a JSON array is parsed once for the array
 * and again for every member read (measured: the log's statement about half as long per 1,000
 * leaves). The few salts and nodes travel as JSON arrays (binary in base64).
 */
export function logSql(k: number): { rows: string; head: string } {
  const p = (i: number) => `$${k + i}`
  return {
    rows: `l AS (INSERT INTO log_leaves (org_id, seq, leaf, hash)
    SELECT $1, ${p(1)}::bigint + i - 1, leaf, substring(${p(2)}::bytea FROM (i::int - 1) * 32 + 1 FOR 32)
    FROM unnest(string_to_array(${p(0)}::text, E'\\x01')) WITH ORDINALITY AS t(leaf, i)),
  s AS (UPDATE events e SET log_salt = decode(r->>1, 'base64') FROM json_array_elements(${p(3)}::json) AS r
    WHERE e.org_id = $1 AND e.seq = (r->>0)::bigint),
  n AS (INSERT INTO log_nodes (org_id, level, idx, hash)
    SELECT $1, (r->>0)::smallint, (r->>1)::bigint, decode(r->>2, 'base64') FROM json_array_elements(${p(4)}::json) AS r)`,
    head: `log_size = ${p(5)}, log_frontier = ${p(6)}, log_updated_at = ${p(7)}`,
  }
}

/** The separator of the leaves' texts in `logSql`'s first parameter. */
const LEAF_SEPARATOR = '\u0001'

/** The values of $k to $k+7 of `logSql(k)`. */
export function logRowValues(log: OrgLog, now: number): unknown[] {
  const texts = log.leaves.map((l) => {
    if (l.leaf.includes(LEAF_SEPARATOR)) throw new Error(`leaf ${l.seq} is not canonical JSON`)
    return l.leaf
  })
  return [
    texts.join(LEAF_SEPARATOR),
    log.leaves[0]?.seq ?? log.size + 1,
    Buffer.concat(log.leaves.map((l) => l.hash)),
    JSON.stringify(log.salts.map((s) => [s.seq, s.salt.toString('base64')])),
    JSON.stringify(log.nodes.map((n) => [n.level, n.idx, n.hash.toString('base64')])),
    log.size,
    log.frontierBytes(),
    now,
  ]
}

const WRITE = logSql(2)
/** The log's rows and head alone (the backfill). */
const WRITE_LOG = `WITH ${WRITE.rows} UPDATE orgs SET ${WRITE.head} WHERE id = $1`

/**
 * Opens an org's log at its head inside the caller's transaction, which holds the org's row lock
 * and read the head with it (postgres-tx.ts `lockOrg`), and brings it up to `upToSeq` from stored
 * events when it trails (an org with events from before the log existed, or appended by a server
 * without it): leaves are appended in seq order and no seq is skipped.
 */
export async function openOrgLog(
  client: pg.PoolClient,
  orgId: string,
  upToSeq: number,
  org: Pick<LockedOrg, 'logSize' | 'logFrontier'>,
  max = Infinity,
): Promise<OrgLog> {
  const log = new OrgLog(org.logSize, org.logFrontier)
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
    values: [orgId, ...logRowValues(log, now)],
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
    'SELECT id AS org_id FROM orgs WHERE next_seq - 1 > log_size',
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
          const log = await openOrgLog(client, orgId, upTo, org, BACKFILL_CHUNK)
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
