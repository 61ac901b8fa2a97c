import type Database from 'better-sqlite3'
import type { IdempotencyStore } from '../store.js'
import type { SqliteWriter } from './sqlite-writer.js'

/**
 * Claims are writes, so `claim` and `purge` go through the writer (one transaction each); `lookup`
 * only reads, on the main connection, which sees every committed claim.
 */
export function createSqliteIdempotency(
  db: Database.Database,
  writer: SqliteWriter,
): IdempotencyStore {
  const find = db.prepare<
    [string, string],
    { request_hash: string; ids: string; created_at: number }
  >('SELECT request_hash, ids, created_at FROM idempotency_keys WHERE org_id = ? AND key = ?')
  return {
    claim: (orgId, key, requestHash, ids, now, ttlMs) =>
      writer.claim(orgId, key, requestHash, ids, now, ttlMs),
    lookup: async (orgId, key, requestHash, now, ttlMs) => {
      const row = find.get(orgId, key)
      // Live under the same rule as `claim` (sqlite-writes.ts): younger than the ttl.
      if (!row || row.created_at <= now - ttlMs) return undefined
      if (row.request_hash !== requestHash) return { state: 'mismatch' }
      return { state: 'replay', ids: JSON.parse(row.ids) as string[] }
    },
    purge: (before) => writer.purgeClaims(before),
  }
}
