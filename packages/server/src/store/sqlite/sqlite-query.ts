import type { Event } from '@agenttrail/protocol'
import type Database from 'better-sqlite3'
import { AppError } from '../../app-error.js'
import type { EventRow } from '../event-row.js'
import { rowToEvent } from '../event-row.js'
import { searchTerms } from '../search-text.js'
import { FILTER_COLUMNS, likePattern } from '../filter-columns.js'
import type { EventFilter, Page, PageRequest } from '../store.js'

/**
 * Above this many matching documents (over all orgs) a keyword search walks the time index and
 * probes the full-text index per row; below it, it collects the matches and sorts them. Each plan
 * is fast exactly where the other is slow. Counting stops at the threshold, so it stays cheap.
 */
const MATERIALIZE_BELOW = 5_000

type Params = unknown[]

export function createSqliteQuery(db: Database.Database) {
  const getOne = db.prepare<[string, string], EventRow>(
    'SELECT * FROM events WHERE org_id = ? AND id = ?',
  )
  const countUpTo = db.prepare<[string, number], { n: number }>(
    'SELECT count(*) AS n FROM (SELECT rowid FROM events_fts WHERE events_fts MATCH ? LIMIT ?)',
  )
  const indexedUpTo = db.prepare<[], { value: number }>(
    "SELECT value FROM meta WHERE key = 'fts_indexed_rowid'",
  )

  function where(
    orgId: string,
    filter: EventFilter,
    page: PageRequest,
  ): { sql: string; params: Params } {
    const conditions: string[] = []
    const params: Params = []
    const add = (sql: string, ...values: unknown[]) => {
      conditions.push(sql)
      params.push(...values)
    }
    add('e.org_id = ?', orgId)
    if (filter.from !== undefined) add('e.ts >= ?', filter.from)
    if (filter.to !== undefined) add('e.ts < ?', filter.to)
    for (const [field, column] of Object.entries(FILTER_COLUMNS)) {
      const value = filter[field as keyof EventFilter]
      if (value !== undefined) add(`e."${column}" = ?`, value)
    }
    if (filter.tag !== undefined)
      add(
        'e.rowid IN (SELECT event FROM event_tags WHERE org_id = ? AND tag = ?)',
        orgId,
        filter.tag,
      )
    // LIKE is case-insensitive for ASCII in SQLite, as ILIKE is on PostgreSQL.
    if (filter.actionContains !== undefined)
      add(`e.action LIKE ? ESCAPE '\\'`, likePattern(filter.actionContains))
    if (page.after) add('(e.ts, e.id) < (?, ?)', page.after.ts, page.after.id)
    return { sql: conditions.join(' AND '), params }
  }

  const ORDER = 'ORDER BY e.ts DESC, e.id DESC LIMIT ?'

  function rows(sql: string, params: Params): EventRow[] {
    return db.prepare<Params, EventRow>(sql).all(...params)
  }

  function search(orgId: string, filter: EventFilter, page: PageRequest, q: string): EventRow[] {
    const terms = searchTerms(q)
    if (terms.length === 0)
      throw new AppError('invalid_query', 'q must contain at least one letter or digit')
    const match = terms.map((t) => `"${t}"`).join(' ')
    const w = where(orgId, filter, page)
    const n = page.limit + (page.offset ?? 0) + 1
    const matches = (countUpTo.get(match, MATERIALIZE_BELOW + 1) as { n: number }).n
    const found: EventRow[] = []
    if (matches > 0 && matches <= MATERIALIZE_BELOW) {
      found.push(
        ...rows(
          `SELECT e.* FROM (SELECT rowid AS r FROM events_fts WHERE events_fts MATCH ?) f
           CROSS JOIN events e ON e.rowid = f.r WHERE ${w.sql} ${ORDER}`,
          [match, ...w.params, n],
        ),
      )
    } else if (matches > 0) {
      found.push(
        ...rows(
          `SELECT e.* FROM events e WHERE ${w.sql}
           AND EXISTS (SELECT 1 FROM events_fts WHERE events_fts MATCH ? AND rowid = e.rowid) ${ORDER}`,
          [...w.params, match, n],
        ),
      )
    }
    // Events the indexer has not reached yet (at most a couple of seconds' worth) are matched directly.
    const tail = (indexedUpTo.get() as { value: number }).value
    const text =
      "lower(coalesce(e.title, '') || ' ' || coalesce(e.input, '') || ' ' || coalesce(e.output, '') || ' ' || coalesce(e.error, ''))"
    found.push(
      ...rows(
        `SELECT e.* FROM events e NOT INDEXED WHERE e.rowid > ? AND ${w.sql}
         ${tailTerms(q)
           .map(() => `AND instr(${text}, ?) > 0`)
           .join(' ')} ${ORDER}`,
        [tail, ...w.params, ...tailTerms(q), n],
      ),
    )
    return found
      .sort((a, b) => Number(b.ts) - Number(a.ts) || (b.id < a.id ? -1 : b.id > a.id ? 1 : 0))
      .slice(0, n)
  }
  /**
   * A search reads the indexed part and the tail past the indexer's cursor in one transaction, so
   * in one snapshot of the WAL. Outside a transaction each statement reads its own snapshot, and the
   * writer thread commits index steps at any moment: a step committed after the index was read and
   * before the cursor was would take events out of the tail that the index read had not seen.
   */
  const searchInOneSnapshot = db.transaction(search)

  return {
    count(orgId: string, filter: Omit<EventFilter, 'q'>): number {
      const w = where(orgId, filter, { limit: 0 })
      return (
        db
          .prepare<Params, { n: number }>(`SELECT count(*) AS n FROM events e WHERE ${w.sql}`)
          .get(...w.params) as { n: number }
      ).n
    },

    get(orgId: string, id: string): Event | undefined {
      const row = getOne.get(orgId, id)
      return row && rowToEvent(row)
    },

    query(orgId: string, filter: EventFilter, page: PageRequest): Page<Event> {
      let found: EventRow[]
      const offset = page.offset ?? 0
      if (filter.q !== undefined)
        found = searchInOneSnapshot(orgId, filter, page, filter.q).slice(offset)
      else {
        const w = where(orgId, filter, page)
        found = rows(`SELECT e.* FROM events e WHERE ${w.sql} ${ORDER} OFFSET ?`, [
          ...w.params,
          page.limit + 1,
          offset,
        ])
      }
      const items = found.slice(0, page.limit).map(rowToEvent)
      const last = found.length > page.limit ? found[page.limit - 1] : undefined
      return last ? { items, next: { ts: Number(last.ts), id: last.id } } : { items }
    },
  }
}

/** Words for matching not-yet-indexed rows directly: lower-cased, accents kept (the JSON text has them). */
function tailTerms(q: string): string[] {
  return [
    ...new Set(
      (
        q
          .normalize('NFC')
          .toLowerCase()
          .match(/[\p{L}\p{N}]+/gu) ?? []
      ).slice(0, 16),
    ),
  ]
}
