import type Database from 'better-sqlite3'
import type { EventRow } from '../event-row.js'
import { OrgLog, asBuffer, gapTombstones } from '../log-append.js'
import type { AppendItem } from '../store.js'

/** How many leaves one start-up backfill transaction appends. */
const BACKFILL_CHUNK = 5_000

/**
 * The log's writes on SQLite, for the append transaction (sqlite-append.ts): `open` an org's log at
 * its head, bringing it up to `upToSeq` from stored events when it trails (an org with events from
 * before the log existed), append leaves to it, then `write` its rows and head. Prepared
 * statements; the caller holds the transaction.
 */
export function createSqliteLogWrites(db: Database.Database) {
  const readHead = db.prepare<[string], { size: number; frontier: Buffer }>(
    'SELECT size, frontier FROM log_heads WHERE org_id = ?',
  )
  const rowsAfter = db.prepare<[string, number, number, number], EventRow>(
    'SELECT * FROM events WHERE org_id = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?',
  )
  const insertLeaf = db.prepare(
    'INSERT INTO log_leaves (org_id, seq, leaf, hash) VALUES (?, ?, ?, ?)',
  )
  const insertOpening = db.prepare('INSERT INTO log_openings (org_id, seq, salt) VALUES (?, ?, ?)')
  const insertNode = db.prepare(
    'INSERT INTO log_nodes (org_id, level, idx, hash) VALUES (?, ?, ?, ?)',
  )
  const writeHead = db.prepare(
    `INSERT INTO log_heads (org_id, size, frontier, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (org_id) DO UPDATE SET size = excluded.size, frontier = excluded.frontier, updated_at = excluded.updated_at`,
  )
  const trailSeq = db.prepare<[string], { upTo: number }>(
    'SELECT next_seq - 1 AS upTo FROM orgs WHERE id = ?',
  )
  const trailing = db.prepare<[], { org_id: string; upTo: number }>(
    `SELECT o.id AS org_id, o.next_seq - 1 AS upTo FROM orgs o LEFT JOIN log_heads h ON h.org_id = o.id
     WHERE o.next_seq - 1 > coalesce(h.size, 0)`,
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

  const open = (orgId: string, upToSeq: number): OrgLog => {
    const head = readHead.get(orgId)
    const log = new OrgLog(head?.size ?? 0, head?.frontier ?? null)
    catchUp(orgId, log, upToSeq)
    return log
  }

  const write = (orgId: string, log: OrgLog, now: number): void => {
    if (log.leaves.length === 0) return
    for (const { seq, leaf, hash, salt } of log.leaves) {
      insertLeaf.run(orgId, seq, leaf, hash)
      if (salt !== null) insertOpening.run(orgId, seq, asBuffer(salt))
    }
    for (const { level, idx, hash } of log.nodes) insertNode.run(orgId, level, idx, hash)
    writeHead.run(orgId, log.size, log.frontierBytes(), now)
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
          const head = readHead.get(orgId)
          const log = new OrgLog(head?.size ?? 0, head?.frontier ?? null)
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
