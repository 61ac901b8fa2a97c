import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'

/**
 * Opens a connection with the settings every connection needs: WAL, so readers never wait for the
 * writer, and `synchronous = FULL`, so a committed transaction has been fsynced.
 */
export function openSqliteDb(
  path: string,
  options: { readonly?: boolean } = {},
): Database.Database {
  if (path !== ':memory:' && !options.readonly) mkdirSync(dirname(path), { recursive: true })
  const db = new Database(path, { readonly: options.readonly ?? false })
  if (!options.readonly) db.pragma('journal_mode = WAL')
  db.pragma('synchronous = FULL')
  db.pragma('busy_timeout = 5000')
  db.pragma('foreign_keys = ON')
  db.pragma('cache_size = -32768')
  // After a checkpoint, shrink the write-ahead log back to 64 MiB.
  db.pragma('journal_size_limit = 67108864')
  return db
}

/**
 * Runs `fn` (its own transaction) without waiting for an fsync at its commit: for writes that the
 * next durable commit makes durable anyway, or whose loss in a crash loses nothing (derived data
 * redone from a cursor, a plan reservation whose request was not appended either).
 */
export function withoutFsync<T>(db: Database.Database, fn: () => T): T {
  db.pragma('synchronous = NORMAL')
  try {
    return fn()
  } finally {
    db.pragma('synchronous = FULL')
  }
}
