import type Database from 'better-sqlite3'
import { searchableText } from '../search-text.js'
import type { EventRow } from '../event-row.js'

/**
 * Moves the full-text index forward over events appended since it last ran, in one transaction per
 * call. Runs behind ingest (see `jobs/catch-up.ts` and the writer thread), never inside the append transaction.
 */
export function createSqliteFtsIndexer(db: Database.Database): (maxEvents: number) => number {
  const cursor = db.prepare<[], { value: number }>(
    "SELECT value FROM meta WHERE key = 'fts_indexed_rowid'",
  )
  const pending = db.prepare<
    [number, number],
    Pick<EventRow, 'title' | 'input' | 'output' | 'error'> & { rowid: number }
  >('SELECT rowid, title, input, output, error FROM events WHERE rowid > ? ORDER BY rowid LIMIT ?')
  const insert = db.prepare('INSERT INTO events_fts (rowid, body) VALUES (?, ?)')
  const advance = db.prepare("UPDATE meta SET value = ? WHERE key = 'fts_indexed_rowid'")
  return db.transaction((maxEvents: number): number => {
    const from = (cursor.get() as { value: number }).value
    const rows = pending.all(from, maxEvents)
    for (const row of rows) insert.run(row.rowid, searchableText(row))
    const last = rows[rows.length - 1]
    if (last) advance.run(last.rowid)
    return rows.length
  })
}
