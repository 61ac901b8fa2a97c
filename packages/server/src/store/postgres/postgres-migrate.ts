import { readFileSync, readdirSync } from 'node:fs'
import type pg from 'pg'
import { withTransaction } from './postgres-tx.js'

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url)
/** Any fixed number: the advisory lock that lets one process migrate while the others wait. */
const MIGRATION_LOCK = 7_878_001

/**
 * Applies the numbered `.sql` files the database has not seen, each in its own transaction, under
 * a session advisory lock so that servers starting together do not race.
 */
export async function migratePostgres(pool: pg.Pool): Promise<number> {
  const client = await pool.connect()
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK])
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at bigint NOT NULL)',
    )
    const done = new Set(
      (await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map(
        (r) => r.version,
      ),
    )
    const files = readdirSync(MIGRATIONS_DIR)
      .filter((name) => /^\d{3}_.+\.sql$/.test(name))
      .sort()
    let applied = 0
    for (const file of files) {
      const version = Number(file.slice(0, 3))
      if (done.has(version)) continue
      await withTransaction(client, async (tx) => {
        await tx.query(readFileSync(new URL(file, MIGRATIONS_DIR), 'utf8'))
        await tx.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [
          version,
          Date.now(),
        ])
      })
      applied++
    }
    return applied
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined)
    client.release()
  }
}
