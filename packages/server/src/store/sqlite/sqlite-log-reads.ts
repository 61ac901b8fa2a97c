import type Database from 'better-sqlite3'
import { EMPTY_ROOT, Frontier, nodeHash } from '@agenttrail/protocol'
import { splitHashes } from '../log-append.js'
import { checkRange, rangeHashOver } from '../log-range.js'
import type { LogGrowth, LogHead, LogLeaf, LogStore } from '../log-store.js'
import { MAX_LEAVES_PER_READ } from '../log-store.js'

type Sync<T> = {
  [K in keyof T]: T[K] extends (...a: infer A) => Promise<infer R> ? (...a: A) => R : never
}

/**
 * The log's reads on SQLite (log-store.ts), on the reading connection. Each is one statement or, for
 * a range hash, one indexed lookup per stored node or leaf hash it combines (O(log n) for the
 * ranges proofs ask), all in one read transaction so they see one tree.
 */
export function createSqliteLogReads(db: Database.Database): Sync<LogStore> {
  const readHead = db.prepare<[string], { size: number; frontier: Buffer | null }>(
    'SELECT log_size AS size, log_frontier AS frontier FROM orgs WHERE id = ?',
  )
  const readLeaves = db.prepare<
    [string, number, number, number],
    { seq: number; leaf: string; hash: Buffer }
  >(
    'SELECT seq, leaf, hash FROM log_leaves WHERE org_id = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?',
  )
  const leafHashAt = db.prepare<[string, number], { hash: Buffer }>(
    'SELECT hash FROM log_leaves WHERE org_id = ? AND seq = ?',
  )
  const nodeAt = db.prepare<[string, number, number], { hash: Buffer }>(
    'SELECT hash FROM log_nodes WHERE org_id = ? AND level = ? AND idx = ?',
  )
  const readOpenings = db.prepare<[string, number, number], { seq: number; salt: Buffer }>(
    `SELECT seq, log_salt AS salt FROM events WHERE org_id = ? AND seq >= ? AND seq <= ?
     AND log_salt IS NOT NULL ORDER BY seq`,
  )
  const grown = db.prepare<[number], { org_id: string; size: number; updated_at: number }>(
    `SELECT id AS org_id, log_size AS size, log_updated_at AS updated_at FROM orgs
     WHERE log_updated_at >= ? ORDER BY id`,
  )
  const missing = (what: string): never => {
    throw new Error(`the log has no ${what}: it is not the trail's tree`)
  }

  const head = (orgId: string): LogHead => {
    const row = readHead.get(orgId)
    if (!row || row.size === 0) return { size: 0, root: EMPTY_ROOT }
    return { size: row.size, root: new Frontier(row.size, splitHashes(row.frontier)).root() }
  }

  return {
    head,
    leaves: (orgId: string, start: number, end: number): LogLeaf[] =>
      readLeaves
        .all(orgId, start, end, Math.min(Math.max(end - start, 0), MAX_LEAVES_PER_READ))
        .map((r) => ({ index: r.seq - 1, leaf: r.leaf, hash: r.hash })),
    rangeHash: db.transaction((orgId: string, lo: number, hi: number): Buffer => {
      checkRange(lo, hi, readHead.get(orgId)?.size ?? 0)
      return rangeHashOver<Buffer>(lo, hi, {
        leaf: (i) => leafHashAt.get(orgId, i + 1)?.hash ?? missing(`leaf ${i}`),
        node: (level, idx) =>
          nodeAt.get(orgId, level, idx)?.hash ?? missing(`node ${level}/${idx}`),
        combine: nodeHash,
        empty: () => EMPTY_ROOT,
      })
    }),
    openings: (orgId: string, fromSeq: number, toSeq: number): Map<number, Buffer> =>
      new Map(readOpenings.all(orgId, fromSeq, toSeq).map((r) => [r.seq, r.salt])),
    grownSince: (since: number): LogGrowth[] =>
      grown.all(since).map((r) => ({ orgId: r.org_id, size: r.size, updatedAt: r.updated_at })),
  }
}
