import type Database from 'better-sqlite3'
import type {
  CheckpointRow,
  LogKeyRow,
  NewLogCheckpoint,
  NewLogKey,
} from '../log-checkpoint-store.js'
import { rowToCheckpoint, rowToLogKey } from '../log-checkpoint-store.js'

const CHECKPOINT = 'SELECT * FROM log_checkpoints WHERE org_id = ?'

/** Checkpoints and log keys: reads on the main connection (`LogCheckpointStore`). */
export function createSqliteLogCheckpointReads(db: Database.Database) {
  const keys = db.prepare<[], LogKeyRow>('SELECT * FROM log_keys ORDER BY not_before, fingerprint')
  const current = db.prepare<[], LogKeyRow>('SELECT * FROM log_keys WHERE not_after IS NULL')
  const latest = db.prepare<[string], CheckpointRow>(`${CHECKPOINT} ORDER BY n DESC LIMIT 1`)
  const atSize = db.prepare<[string, number], CheckpointRow>(
    `${CHECKPOINT} AND size = ? ORDER BY n DESC LIMIT 1`,
  )
  const list = db.prepare<[string, number, number, number], CheckpointRow>(
    `${CHECKPOINT} AND n > ? AND size >= ? ORDER BY n LIMIT ?`,
  )
  const due = db.prepare<[number], { org_id: string }>(
    `SELECT h.id AS org_id FROM orgs h
     LEFT JOIN log_checkpoints c ON c.org_id = h.id
       AND c.n = (SELECT max(n) FROM log_checkpoints m WHERE m.org_id = h.id)
     WHERE h.log_size > 0 AND (c.n IS NULL OR h.log_size > c.size OR c.created_at <= ?)
     ORDER BY h.id`,
  )
  return {
    keys: async () => keys.all().map(rowToLogKey),
    /** The current key; throws when there is none (adoptKey makes one). */
    currentKey: async () => {
      const row = current.get()
      if (!row) throw new Error('the log has no current signing key')
      return rowToLogKey(row)
    },
    latest: async (orgId: string) => {
      const row = latest.get(orgId)
      return row && rowToCheckpoint(row)
    },
    atSize: async (orgId: string, size: number) => {
      const row = atSize.get(orgId, size)
      return row && rowToCheckpoint(row)
    },
    list: async (orgId: string, page: { afterN: number; minSize?: number; limit: number }) =>
      list.all(orgId, page.afterN, page.minSize ?? 0, page.limit).map(rowToCheckpoint),
    due: async (heartbeatBefore: number) => due.all(heartbeatBefore).map((r) => r.org_id),
  }
}

/** Checkpoints and log keys: writes, composed into `createSqliteWrites` (the writer thread). */
export function createSqliteLogCheckpointWrites(db: Database.Database) {
  const insertKey = db.prepare(
    `INSERT INTO log_keys (fingerprint, public_key, algorithm, not_before, not_after)
     VALUES (?, ?, 'ed25519', ?, NULL) ON CONFLICT DO NOTHING`,
  )
  const current = db.prepare<[], LogKeyRow>('SELECT * FROM log_keys WHERE not_after IS NULL')
  const retire = db.prepare(
    'UPDATE log_keys SET not_after = ? WHERE fingerprint = ? AND not_after IS NULL',
  )
  const lastN = db.prepare<[string], { n: number | null }>(
    'SELECT max(n) AS n FROM log_checkpoints WHERE org_id = ?',
  )
  const insertCheckpoint = db.prepare(
    `INSERT INTO log_checkpoints (org_id, n, size, root, note, created_at, kind, key_fingerprint)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const adopt = db.transaction((key: NewLogKey, now: number) => {
    if (!current.get()) insertKey.run(key.fingerprint, Buffer.from(key.publicKey), now)
  })
  const rotate = db.transaction((from: string, to: NewLogKey, at: number) => {
    if (retire.run(at, from).changes !== 1) return false
    insertKey.run(to.fingerprint, Buffer.from(to.publicKey), at)
    return true
  })
  const append = db.transaction(
    (items: ReadonlyArray<{ checkpoint: NewLogCheckpoint; afterN: number }>) =>
      items.map(({ checkpoint: c, afterN }) => {
        if ((lastN.get(c.orgId)?.n ?? 0) !== afterN) return false
        insertCheckpoint.run(
          c.orgId,
          afterN + 1,
          c.size,
          Buffer.from(c.root),
          c.note,
          c.createdAt,
          c.kind,
          c.keyFingerprint,
        )
        return true
      }),
  )
  return {
    adoptLogKey: (key: NewLogKey, now: number): void => adopt(key, now),
    rotateLogKey: (from: string, to: NewLogKey, at: number): boolean => rotate(from, to, at),
    appendCheckpoints: (
      items: ReadonlyArray<{ checkpoint: NewLogCheckpoint; afterN: number }>,
    ): boolean[] => append(items),
  }
}
