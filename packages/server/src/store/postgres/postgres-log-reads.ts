import type pg from 'pg'
import { EMPTY_ROOT, Frontier } from '@agenttrail/protocol'
import { splitHashes } from '../log-append.js'
import { checkRange, rangeHashFrom, rangeNeeds } from '../log-range.js'
import type { LogGrowth, LogHead, LogLeaf, LogStore } from '../log-store.js'
import { MAX_LEAVES_PER_READ } from '../log-store.js'
import { withTransaction } from './postgres-tx.js'

/**
 * The log's reads on PostgreSQL (log-store.ts). A range hash reads the head, the leaf hashes and the
 * stored nodes it combines in three statements of one REPEATABLE READ transaction, so all three see
 * one tree whatever commits meanwhile.
 */
export function createPostgresLogReads(pool: pg.Pool): LogStore {
  return {
    head: async (orgId: string): Promise<LogHead> => {
      const { rows } = await pool.query<{ size: string; frontier: Buffer | null }>(
        'SELECT log_size AS size, log_frontier AS frontier FROM orgs WHERE id = $1',
        [orgId],
      )
      const row = rows[0]
      if (!row || row.frontier === null) return { size: 0, root: EMPTY_ROOT }
      const size = Number(row.size)
      return { size, root: new Frontier(size, splitHashes(row.frontier)).root() }
    },
    leaves: async (orgId: string, start: number, end: number): Promise<LogLeaf[]> => {
      const { rows } = await pool.query<{ seq: string; leaf: string; hash: Buffer }>(
        'SELECT seq, leaf, hash FROM log_leaves WHERE org_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq LIMIT $4',
        [orgId, start, end, Math.min(Math.max(end - start, 0), MAX_LEAVES_PER_READ)],
      )
      return rows.map((r) => ({ index: Number(r.seq) - 1, leaf: r.leaf, hash: r.hash }))
    },
    rangeHash: (orgId: string, lo: number, hi: number): Promise<Buffer> =>
      withTransaction(
        pool,
        async (client) => {
          const head = await client.query<{ size: string }>(
            'SELECT log_size AS size FROM orgs WHERE id = $1',
            [orgId],
          )
          checkRange(lo, hi, Number(head.rows[0]?.size ?? 0))
          const need = rangeNeeds(lo, hi)
          const leaves = await client.query<{ seq: string; hash: Buffer }>(
            'SELECT seq, hash FROM log_leaves WHERE org_id = $1 AND seq = ANY($2::bigint[])',
            [orgId, need.leaves.map((i) => i + 1)],
          )
          const nodes = await client.query<{ level: number; idx: string; hash: Buffer }>(
            `SELECT n.level, n.idx, n.hash FROM unnest($2::smallint[], $3::bigint[]) AS w(level, idx)
             JOIN log_nodes n ON n.org_id = $1 AND n.level = w.level AND n.idx = w.idx`,
            [orgId, need.nodes.map((n) => n[0]), need.nodes.map((n) => n[1])],
          )
          return rangeHashFrom(
            lo,
            hi,
            new Map(leaves.rows.map((r) => [Number(r.seq) - 1, r.hash])),
            new Map(nodes.rows.map((r) => [`${r.level}:${r.idx}`, r.hash])),
          )
        },
        { isolation: 'repeatable read', readOnly: true },
      ),
    openings: async (orgId: string, fromSeq: number, toSeq: number) => {
      const { rows } = await pool.query<{ seq: string; salt: Buffer }>(
        `SELECT seq, log_salt AS salt FROM events WHERE org_id = $1 AND seq >= $2 AND seq <= $3
         AND log_salt IS NOT NULL ORDER BY seq`,
        [orgId, fromSeq, toSeq],
      )
      return new Map(rows.map((r) => [Number(r.seq), r.salt]))
    },
    grownSince: async (since: number): Promise<LogGrowth[]> => {
      const { rows } = await pool.query<{ org_id: string; size: string; updated_at: string }>(
        `SELECT id AS org_id, log_size AS size, log_updated_at AS updated_at FROM orgs
         WHERE log_updated_at >= $1 ORDER BY id`,
        [since],
      )
      return rows.map((r) => ({
        orgId: r.org_id,
        size: Number(r.size),
        updatedAt: Number(r.updated_at),
      }))
    },
  }
}
