import { readFileSync, readdirSync } from 'node:fs'
import type Database from 'better-sqlite3'

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url)

/** Applies the numbered `.sql` files in `migrations/` that this database has not seen, in order. */
export function migrateSqlite(db: Database.Database): number {
  const current = db.pragma('user_version', { simple: true }) as number
  const files = readdirSync(MIGRATIONS_DIR)
    .filter((name) => /^\d{3}_.+\.sql$/.test(name))
    .sort()
  let applied = 0
  for (const file of files) {
    const version = Number(file.slice(0, 3))
    if (version <= current) continue
    const sql = readFileSync(new URL(file, MIGRATIONS_DIR), 'utf8')
    db.transaction(() => {
      db.exec(sql)
      db.pragma(`user_version = ${version}`)
    })()
    applied++
  }
  return applied
}
