import type pg from 'pg'
import type { Event } from '@agenttrail/protocol'
import { AppError } from '../../app-error.js'
import type { EventRow } from '../event-row.js'
import { rowToEvent } from '../event-row.js'
import { pageOf } from '../page-of.js'
import { indexableWord, searchTerms, searchWords } from '../search-text.js'
import { FILTER_COLUMNS, likePattern } from '../filter-columns.js'
import type { EventFilter, Page, PageRequest } from '../store.js'

/** Below this many matches a search collects them through the GIN index; above, it walks by time. */
const MATERIALIZE_BELOW = 5_000

/** Every column but the log's salt. */
export const SELECT_EVENT = `SELECT e.org_id, e.id, e.seq, e.environment, e.idempotency_key, e.ts, e.received_at, e.agent, e."user",
  e.ip_address, e.kind, e.service, e.action, e.status, e.title, e.trace_id, e.span_id, e.parent_span_id, e.conversation_id,
  e.provider, e.model, e.tokens_input, e.tokens_output, e.tokens_cache_read, e.tokens_cache_write, e.tokens_total,
  e.cost_micros, e.cost_source, e.stop_reason, e.rate_limit, e.input, e.output, e.system_prompt_sha256, e.messages,
  e.thinking, e.tool_calls, e.error, e.duration_ms, e.tags, e.metadata, e.context, e.control FROM events e`

/**
 * Finding events on PostgreSQL: the same filters and order as the embedded store. Full-text
 * search matches every word as a whole word: through the GIN index on `event_search` for the
 * events the indexer has reached, and directly, with the same words (`searchWords`), for the few
 * it has not (postgres-search-index.ts), so an event is found the moment it is acknowledged.
 */
export async function queryPostgres(
  pool: pg.Pool,
  orgId: string,
  filter: EventFilter,
  page: PageRequest,
): Promise<Page<Event>> {
  const { conditions, params, add } = whereClause(orgId, filter)
  if (filter.q !== undefined) {
    const terms = searchTerms(filter.q)
    if (terms.length === 0)
      throw new AppError('invalid_query', 'q must contain at least one letter or digit')
    // No event holds a word too long for the index (searchWords), and PostgreSQL refuses it.
    if (!terms.every(indexableWord)) return { items: [] }
    // Lexemes as they are, not parsed again: the index holds exactly these words.
    const tsquery = terms.map((t) => `'${t}'`).join(' & ')
    // Read first: an event the indexer reaches after this is still in the index read below.
    const unindexed = await unindexedMatches(pool, orgId, filter, page, terms)
    const tail = unindexed.length > 0 ? ' OR e.seq = ANY(?::bigint[])' : ''
    const tailParams = unindexed.length > 0 ? [unindexed] : []
    // Two plans, as on SQLite: collect the few matches through the GIN index and sort them, or walk
    // the time index and test each row. OFFSET 0 keeps the planner from merging the first away.
    const { rows } = await pool.query<{ n: string }>({
      name: 'search-count',
      text: `SELECT count(*) AS n FROM (SELECT 1 FROM event_search WHERE org_id = $1 AND search @@ $2::tsquery LIMIT ${MATERIALIZE_BELOW + 1}) m`,
      values: [orgId, tsquery],
    })
    if (Number(rows[0]?.n) <= MATERIALIZE_BELOW)
      add(
        `(e.seq IN (SELECT seq FROM event_search WHERE org_id = ? AND search @@ ?::tsquery OFFSET 0)${tail})`,
        orgId,
        tsquery,
        ...tailParams,
      )
    else
      add(
        `(EXISTS (SELECT 1 FROM event_search s WHERE s.org_id = e.org_id AND s.seq = e.seq AND s.search @@ ?::tsquery)${tail})`,
        tsquery,
        ...tailParams,
      )
  }
  if (page.after) add('(e.ts, e.id) < (?, ?)', page.after.ts, page.after.id)
  params.push(page.limit + 1, page.offset ?? 0)
  const { rows } = await pool.query<EventRow>(
    `${SELECT_EVENT} WHERE ${conditions.join(' AND ')} ORDER BY e.ts DESC, e.id DESC LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  )
  return pageOf(rows, page.limit, rowToEvent, (last) => ({ ts: Number(last.ts), id: last.id }))
}

/**
 * Most events past an org's search cursor that a search matches directly: about 0.1 s of cutting
 * words in the server. Past it, a search answers 503 `search_index_behind` until the indexer has
 * caught up, rather than holding the event loop for every request meanwhile.
 */
export const SEARCH_TAIL_LIMIT = 5_000

/**
 * The seqs of the events past the org's search cursor that hold every term and pass the other
 * filters: the index's words computed on the spot. The cursor and the events are read in one
 * statement, so in one snapshot; normally a second's worth of events or less (ADR 0012), never more
 * than SEARCH_TAIL_LIMIT. The tail is cut first (a materialized CTE, so by the `(org_id, seq)`
 * index whatever the other filters are), then filtered.
 */
async function unindexedMatches(
  pool: pg.Pool,
  orgId: string,
  filter: EventFilter,
  page: PageRequest,
  terms: string[],
): Promise<string[]> {
  const { conditions, params, add } = whereClause(orgId, filter)
  if (page.after) add('(e.ts, e.id) < (?, ?)', page.after.ts, page.after.id)
  params.push(orgId)
  const tail = `SELECT * FROM events WHERE org_id = $${params.length}
    AND seq > coalesce((SELECT seq FROM search_cursors WHERE org_id = $${params.length}), 0)
    ORDER BY seq LIMIT ${SEARCH_TAIL_LIMIT + 1}`
  type Row = Pick<EventRow, 'seq' | 'title' | 'input' | 'output' | 'error'> & { n: number | null }
  // The tail's length comes in a row of its own, whatever the filters keep of it.
  const { rows: all } = await pool.query<Row>(
    `WITH e AS MATERIALIZED (${tail})
     SELECT count(*)::int AS n, NULL::bigint AS seq, NULL::text AS title, NULL::text AS input,
       NULL::text AS output, NULL::text AS error FROM e
     UNION ALL
     SELECT NULL, e.seq, e.title, e.input, e.output, e.error FROM e WHERE ${conditions.join(' AND ')}`,
    params,
  )
  const rows = all.filter((r) => r.n === null)
  if (all.some((r) => r.n !== null && r.n > SEARCH_TAIL_LIMIT))
    throw new AppError(
      'search_index_behind',
      `the search index is more than ${SEARCH_TAIL_LIMIT.toLocaleString('en-US')} events behind this org's newest events; retry in a few seconds`,
    ).with({ retryAfter: 2 })
  return rows
    .filter((row) => {
      const words = new Set(searchWords(row))
      return terms.every((t) => words.has(t))
    })
    .map((row) => String(row.seq))
}

/** How many events match every filter but `q`. */
export async function countPostgres(
  pool: pg.Pool,
  orgId: string,
  filter: Omit<EventFilter, 'q'>,
): Promise<number> {
  const { conditions, params } = whereClause(orgId, filter)
  const { rows } = await pool.query<{ n: string }>(
    `SELECT count(*) AS n FROM events e WHERE ${conditions.join(' AND ')}`,
    params,
  )
  return Number(rows[0]?.n ?? 0)
}

/** The conditions every filter but `q` adds, with `$n` placeholders; `add` appends more. */
function whereClause(orgId: string, filter: Omit<EventFilter, 'q'>) {
  const conditions: string[] = []
  const params: unknown[] = []
  const add = (sql: string, ...values: unknown[]) => {
    let text = sql
    for (const value of values) {
      params.push(value)
      text = text.replace('?', `$${params.length}`)
    }
    conditions.push(text)
  }
  add('e.org_id = ?', orgId)
  if (filter.from !== undefined) add('e.ts >= ?', filter.from)
  if (filter.to !== undefined) add('e.ts < ?', filter.to)
  for (const [field, column] of Object.entries(FILTER_COLUMNS)) {
    const value = (filter as EventFilter)[field as keyof EventFilter]
    if (value !== undefined) add(`e."${column}" = ?`, value)
  }
  if (filter.tag !== undefined)
    add('e.seq IN (SELECT seq FROM event_tags WHERE org_id = ? AND tag = ?)', orgId, filter.tag)
  if (filter.actionContains !== undefined)
    add(`e.action ILIKE ? ESCAPE '\\'`, likePattern(filter.actionContains))
  return { conditions, params, add }
}
