import type pg from 'pg'
import type {
  CheckpointRow,
  LogCheckpointStore,
  LogKeyRow,
  NewLogCheckpoint,
  NewLogKey,
} from '../log-checkpoint-store.js'
import { rowToCheckpoint, rowToLogKey } from '../log-checkpoint-store.js'
import { withTransaction } from './postgres-tx.js'

const CHECKPOINT = 'SELECT * FROM log_checkpoints WHERE org_id = $1'
const INSERT_KEY = `INSERT INTO log_keys (fingerprint, public_key, algorithm, not_before, not_after)
  VALUES ($1, $2, 'ed25519', $3, NULL) ON CONFLICT DO NOTHING`

/** Checkpoints and log keys on PostgreSQL (`LogCheckpointStore`, store/log-checkpoint-store.ts). */
export function createPostgresLogCheckpoints(pool: pg.Pool): LogCheckpointStore {
  const currentKey = async () => {
    const { rows } = await pool.query<LogKeyRow>('SELECT * FROM log_keys WHERE not_after IS NULL')
    if (!rows[0]) throw new Error('the log has no current signing key')
    return rowToLogKey(rows[0])
  }
  const one = async (sql: string, values: unknown[]) => {
    const { rows } = await pool.query<CheckpointRow>(sql, values)
    return rows[0] && rowToCheckpoint(rows[0])
  }
  return {
    async keys() {
      const { rows } = await pool.query<LogKeyRow>(
        'SELECT * FROM log_keys ORDER BY not_before, fingerprint',
      )
      return rows.map(rowToLogKey)
    },
    currentKey,
    async adoptKey(key: NewLogKey, now: number) {
      // The partial unique index on the current key lets one of several starting servers win.
      await pool
        .query(
          `INSERT INTO log_keys (fingerprint, public_key, algorithm, not_before, not_after)
           SELECT $1, $2, 'ed25519', $3, NULL
           WHERE NOT EXISTS (SELECT 1 FROM log_keys WHERE not_after IS NULL)
           ON CONFLICT DO NOTHING`,
          [key.fingerprint, key.publicKey, now],
        )
        .catch((error: { code?: string }) => {
          if (error.code !== '23505') throw error
        })
      return currentKey()
    },
    rotateKey: (from: string, to: NewLogKey, at: number) =>
      withTransaction(pool, async (client) => {
        const retired = await client.query(
          'UPDATE log_keys SET not_after = $1 WHERE fingerprint = $2 AND not_after IS NULL',
          [at, from],
        )
        if (retired.rowCount !== 1) return false
        await client.query(INSERT_KEY, [to.fingerprint, to.publicKey, at])
        return true
      }),
    latest: (orgId: string) => one(`${CHECKPOINT} ORDER BY n DESC LIMIT 1`, [orgId]),
    atSize: (orgId: string, size: number) =>
      one(`${CHECKPOINT} AND size = $2 ORDER BY n DESC LIMIT 1`, [orgId, size]),
    async list(orgId: string, page: { afterN: number; minSize?: number; limit: number }) {
      const { rows } = await pool.query<CheckpointRow>(
        `${CHECKPOINT} AND n > $2 AND size >= $3 ORDER BY n LIMIT $4`,
        [orgId, page.afterN, page.minSize ?? 0, page.limit],
      )
      return rows.map(rowToCheckpoint)
    },
    append: (items: ReadonlyArray<{ checkpoint: NewLogCheckpoint; afterN: number }>) =>
      withTransaction(pool, async (client) => {
        const written: boolean[] = []
        for (const { checkpoint: c, afterN } of items) {
          // A savepoint per checkpoint: a primary key conflict (another signer numbered one
          // afterN + 1 first) leaves the others of the pass written.
          await client.query('SAVEPOINT checkpoint')
          try {
            // The WHERE refuses a checkpoint whose predecessor is not afterN; the primary key
            // (org_id, n), one that another signer numbered afterN + 1 meanwhile.
            const result = await client.query(
              `INSERT INTO log_checkpoints (org_id, n, size, root, note, created_at, kind, key_fingerprint)
               SELECT $1, $2::bigint + 1, $3, $4, $5, $6, $7, $8
               WHERE (SELECT coalesce(max(n), 0) FROM log_checkpoints WHERE org_id = $1) = $2::bigint`,
              [c.orgId, afterN, c.size, c.root, c.note, c.createdAt, c.kind, c.keyFingerprint],
            )
            written.push(result.rowCount === 1)
          } catch (error) {
            if ((error as { code?: string }).code !== '23505') throw error
            await client.query('ROLLBACK TO SAVEPOINT checkpoint')
            written.push(false)
          }
        }
        return written
      }),
    async due(heartbeatBefore: number) {
      const { rows } = await pool.query<{ org_id: string }>(
        `SELECT h.id AS org_id FROM orgs h
         LEFT JOIN LATERAL (SELECT size, created_at FROM log_checkpoints c
                            WHERE c.org_id = h.id ORDER BY n DESC LIMIT 1) c ON true
         WHERE h.log_size > 0 AND (c.size IS NULL OR h.log_size > c.size OR c.created_at <= $1)
         ORDER BY h.id`,
        [heartbeatBefore],
      )
      return rows.map((r) => r.org_id)
    },
  }
}
