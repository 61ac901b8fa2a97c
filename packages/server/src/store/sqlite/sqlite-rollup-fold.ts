import type Database from 'better-sqlite3'
import type { InsertedEvent } from '../outbox-rows.js'
import { RollupFold } from '../rollup-fold.js'
import { MEASURE_COLUMNS } from '../stats-assembler.js'

/** Events held in memory before the writer's idle turns write them out. Default 2,000. */
export const FOLD_FLUSH_EVENTS = 2_000
/** Age of the oldest held event after which the idle turns write them out. Default 1,000 ms. */
export const FOLD_FLUSH_AGE_MS = 1_000
/** Past this many held events the append that adds them writes them out in its own transaction. */
const FOLD_MAX_EVENTS = 20_000

const ADD = MEASURE_COLUMNS.map((c) => `${c} = ${c} + excluded.${c}`).join(', ')
/** Rows per upsert statement: binding is most of a row's cost, and it is cheaper in bulk. */
const ROWS_PER_STATEMENT = 32

/**
 * Upserts rows of `width` columns into `table`, ROWS_PER_STATEMENT at a time (one multi-row VALUES
 * statement), the rest one by one. The rows' keys are distinct, as the fold's are.
 */
function createUpsert(db: Database.Database, table: string, width: number, set: string) {
  const values = (rows: number) =>
    Array.from({ length: rows }, () => `(${Array.from({ length: width }, () => '?').join(', ')})`)
  const statement = (rows: number) =>
    db.prepare(
      `INSERT INTO ${table} VALUES ${values(rows).join(', ')} ON CONFLICT DO UPDATE SET ${set}`,
    )
  const one = statement(1)
  const many = statement(ROWS_PER_STATEMENT)
  const params: unknown[] = new Array(width * ROWS_PER_STATEMENT)
  return (rows: Iterable<readonly unknown[]>): void => {
    let k = 0
    for (const row of rows) {
      for (let i = 0; i < width; i++) params[k++] = row[i]
      if (k === params.length) {
        many.run(params)
        k = 0
      }
    }
    for (let i = 0; i < k; i += width) one.run(params.slice(i, i + width))
  }
}

/**
 * Rollups of new events, folded in memory as they are appended (the append passes what it
 * inserted) and written once per rollup row with the cursor `meta.rollup_rowid` in one
 * transaction, so the cursor still means what stats and erasure rely on: every event at or below it
 * is in the rollups, none above it is. Nothing is read back from the events.
 *
 * The fold covers the rowids (base, to], where base is the cursor when folding began; an append
 * folds only when its rows follow on from `to` (rowids of one append are consecutive, the next
 * after the largest). Anything else (a rolled-back transaction, an erasure that moved the cursor, a
 * roller step from the events) shows as a gap or a cursor that is not `base`, and the fold is
 * dropped: the set-based roller (sqlite-rollups.ts) then reaches those events from the cursor, and
 * folding starts again once it has caught up. A crash loses only the fold, which the roller redoes.
 */
export function createSqliteRollupFold(db: Database.Database) {
  const readCursor = db.prepare<[], { value: number }>(
    "SELECT value FROM meta WHERE key = 'rollup_rowid'",
  )
  const lastRowid = db.prepare<[], { hi: number | null }>('SELECT max(rowid) AS hi FROM events')
  const advance = db.prepare("UPDATE meta SET value = ? WHERE key = 'rollup_rowid'")
  const upsert = createUpsert(db, 'rollups', 7 + MEASURE_COLUMNS.length, ADD)
  const upsertLatency = createUpsert(db, 'latency_rollups', 8, 'events = events + excluded.events')
  const fold = new RollupFold()
  // (base, to]: the rowids folded; base null when not folding.
  let base: number | null = null
  let to = 0
  let since = 0

  const cursor = () => (readCursor.get() as { value: number }).value
  const discard = () => {
    fold.clear()
    base = null
  }

  const write = db.transaction((): number => {
    if (base === null) return 0
    if (cursor() !== base || ((lastRowid.get() as { hi: number | null }).hi ?? 0) !== to) {
      discard()
      return 0
    }
    const n = fold.events
    upsert(fold.rollupRows())
    upsertLatency(fold.latencyRows())
    advance.run(to)
    fold.clear()
    base = to
    return n
  })

  return {
    /** Folds what an append inserted; called in the append transaction, after its inserts. */
    add(inserted: readonly InsertedEvent[]): void {
      if (inserted.length === 0) return
      const hi = (lastRowid.get() as { hi: number }).hi
      const first = hi - inserted.length + 1
      if (base !== null && first !== to + 1) discard()
      if (base === null) {
        // Only from the cursor on: earlier events are the roller's to reach first.
        if (cursor() !== first - 1) return
        base = to = first - 1
      }
      if (fold.events === 0) since = Date.now()
      for (const { orgId, event } of inserted) fold.add(orgId, event)
      to = hi
      if (fold.events >= FOLD_MAX_EVENTS) write()
    },
    /** Writes the folded rollups and moves the cursor past them; the number of events written. */
    write: (): number => write(),
    /** True when the fold should be written now, or when it is not folding (the roller has work). */
    due(now: number): boolean {
      if (base === null) return true
      return (
        fold.events >= FOLD_FLUSH_EVENTS || (fold.events > 0 && now - since >= FOLD_FLUSH_AGE_MS)
      )
    },
    /** Forgets the fold: after a failed write transaction, whose rows may not exist. */
    discard,
  }
}

export type SqliteRollupFold = ReturnType<typeof createSqliteRollupFold>
