import type Database from 'better-sqlite3'
import type { IdempotencyStore } from '../store.js'

export function createSqliteIdempotency(db: Database.Database): IdempotencyStore {
  const find = db.prepare<[string, string], { request_hash: string; ids: string; created_at: number }>(
    'SELECT request_hash, ids, created_at FROM idempotency_keys WHERE org_id = ? AND key = ?',
  )
  const upsert = db.prepare(
    `INSERT INTO idempotency_keys (org_id, key, request_hash, ids, created_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT DO UPDATE SET request_hash = excluded.request_hash, ids = excluded.ids, created_at = excluded.created_at`,
  )
  const purge = db.prepare('DELETE FROM idempotency_keys WHERE created_at < ?')
  // One transaction: read the claim, and write a new one when none is live. Single writer, so atomic.
  const claim = db.transaction((orgId: string, key: string, requestHash: string, ids: string[], now: number, ttlMs: number) => {
    const row = find.get(orgId, key)
    if (row && row.created_at > now - ttlMs) {
      if (row.request_hash !== requestHash) return { state: 'mismatch' as const }
      return { state: 'replay' as const, ids: JSON.parse(row.ids) as string[] }
    }
    upsert.run(orgId, key, requestHash, JSON.stringify(ids), now)
    return { state: 'new' as const, ids }
  })
  return {
    async claim(orgId, key, requestHash, ids, now, ttlMs) {
      return claim(orgId, key, requestHash, ids, now, ttlMs)
    },
    async purge(before) {
      return purge.run(before).changes
    },
  }
}
