import type { IdempotencyStore } from '../store.js'
import type { SqliteWriter } from './sqlite-writer.js'

/** Claims are writes, so both operations go through the writer (one transaction each). */
export function createSqliteIdempotency(writer: SqliteWriter): IdempotencyStore {
  return {
    claim: (orgId, key, requestHash, ids, now, ttlMs) => writer.claim(orgId, key, requestHash, ids, now, ttlMs),
    purge: (before) => writer.purgeClaims(before),
  }
}
