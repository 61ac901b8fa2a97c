import type Database from 'better-sqlite3'
import type { EventRow } from '../event-row.js'
import { OrgLog, gapTombstones } from '../log-append.js'
import type { AppendItem } from '../store.js'

/** How many leaves one start-up backfill transaction appends. */
const BACKFILL_CHUNK = 5_000

/**
 * The log's writes on SQLite, for the append transaction (sqlite-append.ts): `open` an org's log at
 * its head (the org's row), bringing it up to `upToSeq` from stored events when it trails (an org
 * with events from before the log existed), append leaves to it, then `write` its rows and head.
 * Prepared statements; the caller holds the transaction.
 */
export function createSqliteLogWrites(db: Database.Database) {
  const readHead = db.prepare<[string], { size: number; frontier: Buffer | null }>(
    'SELECT log_size AS size, log_frontier AS frontier FROM orgs WHERE id = ?',
  )
  const rowsAfter = db.prepare<[string, number, number, number], EventRow>(
    'SELECT * FROM events WHERE org_id = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?',
  )
  const insertLeaf = db.prepare(
    'INSERT INTO log_leaves (org_id, seq, leaf, hash) VALUES (?, ?, ?, ?)',
  )
  const setSalt = db.prepare('UPDATE events SET log_salt = ? WHERE org_id = ? AND seq = ?')
  const insertNode = db.prepare(
    'INSERT INTO log_nodes (org_id, level, idx, hash) VALUES (?, ?, ?, ?)',
  )
  const writeHead = db.prepare(
    'UPDATE orgs SET log_size = ?, log_frontier = ?, log_updated_at = ? WHERE id = ?',
  )
  const trailSeq = db.prepare<[string], { upTo: number }>(
    'SELECT next_seq - 1 AS upTo FROM orgs WHERE id = ?',
  )
  const trailing = db.prepare<[], { org_id: string; upTo: number }>(
    'SELECT id AS org_id, next_seq - 1 AS upTo FROM orgs WHERE next_seq - 1 > log_size',
  )

  /** Appends the leaves of stored events (gap leaves where none is left) up to `upToSeq`, at most `max`. */
  const catchUp = (orgId: string, log: OrgLog, upToSeq: number, max = Infinity): void => {
    while (log.size < upToSeq && max > 0) {
      const rows = rowsAfter.all(orgId, log.size, upToSeq, Math.min(max, 1_000))
      const last = rows.length < Math.min(max, 1_000) ? upToSeq : Number(rows.at(-1)?.seq)
      let i = 0
      while (log.size < last && max > 0) {
        const seq = log.size + 1
        const row = rows[i]
        if (row && Number(row.seq) === seq) {
          log.appendRow(row)
          i++
        } else log.appendGap(orgId, seq)
        max--
      }
    }
  }

  /** The org's log at `head` (its row's `log_size` and `log_frontier`), caught up to `upToSeq`. */
  const open = (
    orgId: string,
    upToSeq: number,
    head: { size: number; frontier: Buffer | null },
  ): OrgLog => {
    const log = new OrgLog(head.size, head.frontier)
    catchUp(orgId, log, upToSeq)
    return log
  }

  const write = (orgId: string, log: OrgLog, now: number): void => {
    if (log.leaves.length === 0) return
    for (const { seq, leaf, hash } of log.leaves) insertLeaf.run(orgId, seq, leaf, hash)
    for (const { seq, salt } of log.salts) setSalt.run(salt, orgId, seq)
    for (const { level, idx, hash } of log.nodes) insertNode.run(orgId, level, idx, hash)
    writeHead.run(log.size, log.frontierBytes(), now, orgId)
  }

  /**
   * Builds the log of every org whose events predate it, in transactions of a few thousand leaves,
   * before the store takes writes. The seqs a chunk found no event for get their tombstones
   * (`gapTombstones`) through `append` in that chunk's transaction, so no crash can leave a gap
   * leaf that nothing covers; `append` must not touch the log (the chunks that follow append the
   * tombstones' own leaves). Returns how many leaves it appended.
   */
  const backfill = (append: (items: AppendItem[]) => unknown): number => {
    let appended = 0
    for (const { org_id: orgId } of trailing.all()) {
      let done = false
      while (!done)
        db.transaction(() => {
          const upTo = (trailSeq.get(orgId) as { upTo: number }).upTo
          const head = readHead.get(orgId) as { size: number; frontier: Buffer | null }
          const log = new OrgLog(head.size, head.frontier)
          catchUp(orgId, log, upTo, BACKFILL_CHUNK)
          write(orgId, log, Date.now())
          appended += log.leaves.length
          const tombstones = gapTombstones(log.gaps, Date.now())
          if (tombstones.length > 0)
            append(tombstones.map((event) => ({ orgId, event, system: true })))
          // The tombstones just appended lie past `upTo`: another chunk appends their leaves.
          done = log.size >= upTo && tombstones.length === 0
        })()
    }
    return appended
  }

  return { open, write, backfill }
}

export type SqliteLogWrites = ReturnType<typeof createSqliteLogWrites>
