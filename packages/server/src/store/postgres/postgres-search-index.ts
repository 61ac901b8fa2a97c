import type pg from 'pg'
import type { EventRow } from '../event-row.js'
import { searchWords } from '../search-text.js'
import { withTransaction } from './postgres-tx.js'

/** Orgs with events past their search cursor (no cursor yet: from the first event), most behind first. */
const BEHIND = `SELECT o.id, c.org_id IS NULL AS new FROM orgs o LEFT JOIN search_cursors c ON c.org_id = o.id
  WHERE o.next_seq - 1 > coalesce(c.seq, 0) ORDER BY o.next_seq - 1 - coalesce(c.seq, 0) DESC LIMIT 100`

/**
 * The org's cursor, locked for this step, and its head. `SKIP LOCKED`: an org another process is
 * indexing (or an erasure holds, postgres-erase.ts) is left to it. The head is read before the
 * events, so every event up to it has committed when they are read.
 */
const LOCK_CURSOR = `SELECT c.seq AS done, o.next_seq - 1 AS head FROM search_cursors c JOIN orgs o ON o.id = c.org_id
  WHERE c.org_id = $1 FOR UPDATE OF c SKIP LOCKED`

/**
 * Most text one step reads from an org (title, input, output and error, summed in seq order): a
 * step stops at the row that passes it, keeping at least one, so a run of events of a megabyte each
 * cannot make one step too large for the server or the driver.
 */
export const SEARCH_STEP_BYTES = 8 * 2 ** 20

/** The events past the cursor; `keep` false from the first row past SEARCH_STEP_BYTES (its text left out). */
const PENDING = `SELECT seq, keep, CASE WHEN keep THEN title END AS title, CASE WHEN keep THEN input END AS input,
    CASE WHEN keep THEN output END AS output, CASE WHEN keep THEN error END AS error
  FROM (SELECT seq, title, input, output, error,
      sum(size) OVER (ORDER BY seq) - size < $5 AS keep
    FROM (SELECT seq, title, input, output, error, coalesce(octet_length(title), 0)
        + coalesce(octet_length(input), 0) + coalesce(octet_length(output), 0) + coalesce(octet_length(error), 0) AS size
      FROM events WHERE org_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq LIMIT $4) w) t
  ORDER BY seq`

/** The words go in as lexemes without positions ($3: each event's words joined by spaces) and the cursor moves to $4. */
const INDEX = `WITH added AS (
    INSERT INTO event_search (org_id, seq, search)
    SELECT $1, s, array_to_tsvector(string_to_array(w, ' ')) FROM unnest($2::bigint[], $3::text[]) AS t(s, w)
    RETURNING 1)
  UPDATE search_cursors SET seq = $4 WHERE org_id = $1`

/**
 * Moves PostgreSQL's search index forward over at most `maxEvents` events, behind the append (ADR
 * 0012), and returns how many it read. Per org, in one transaction per step: lock the org's cursor,
 * read the events past it in seq order, write their words (`searchWords`, the same words a query
 * is cut into) and move the cursor.
 *
 * It never skips an event: an org's appends hold its row lock until they commit, so its events
 * commit in seq order and, once the head (`next_seq - 1`) has been read, every event up to it is
 * visible. Events of different orgs may commit in any order; each org has its own cursor. It never
 * indexes one twice: the cursor row is locked for the step and read as last committed, so server
 * processes sharing the database split the orgs between them.
 */
export async function indexPostgresSearch(pool: pg.Pool, maxEvents: number): Promise<number> {
  const { rows: behind } = await pool.query<{ id: string; new: boolean }>(BEHIND)
  const missing = behind.filter((o) => o.new).map((o) => o.id)
  if (missing.length > 0)
    await pool.query(
      'INSERT INTO search_cursors (org_id, seq) SELECT unnest($1::text[]), 0 ON CONFLICT (org_id) DO NOTHING',
      [missing],
    )
  let read = 0
  // One org's failure does not hold the others back; the first is reported once they had their turn.
  let failed: unknown
  for (const { id } of behind) {
    if (read >= maxEvents) break
    try {
      read += await indexOrg(pool, id, maxEvents - read)
    } catch (error) {
      failed ??= error
    }
  }
  if (failed !== undefined) throw failed
  return read
}

async function indexOrg(pool: pg.Pool, orgId: string, max: number): Promise<number> {
  return withTransaction(pool, async (tx) => {
    const { rows: cursor } = await tx.query<{ done: string; head: string }>({
      name: 'search-cursor',
      text: LOCK_CURSOR,
      values: [orgId],
    })
    const at = cursor[0]
    if (!at || Number(at.head) <= Number(at.done)) return 0
    type Row = Pick<EventRow, 'seq' | 'title' | 'input' | 'output' | 'error'> & { keep: boolean }
    const { rows: read } = await tx.query<Row>({
      name: 'search-pending',
      text: PENDING,
      values: [orgId, at.done, at.head, max, SEARCH_STEP_BYTES],
    })
    const rows = read.filter((r) => r.keep)
    const seqs: string[] = []
    const words: string[] = []
    for (const row of rows) {
      const found = searchWords(row)
      if (found.length === 0) continue
      seqs.push(String(row.seq))
      words.push(found.join(' '))
    }
    // Fewer rows than asked for and none left out: every event up to the head has been read (the
    // others were erased). Otherwise the cursor moves to the last row read.
    const to =
      read.length === max || rows.length < read.length
        ? String((rows[rows.length - 1] as Row).seq)
        : at.head
    await tx.query({ name: 'search-index', text: INDEX, values: [orgId, seqs, words, to] })
    return rows.length
  })
}
