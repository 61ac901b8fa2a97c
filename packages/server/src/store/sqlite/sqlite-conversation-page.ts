import type Database from 'better-sqlite3'
import type { MemberDim } from '../conversation-page-plan.js'
import { MEMBER_DRIVE_LIMIT, memberDriver, memberFilters } from '../conversation-page-plan.js'
import type { ConversationFilter } from '../conversation-store.js'

/**
 * Finds one page of conversations (`cid`, `first_ts`, `last_ts`, newest activity first) from the
 * summary tables of migration 005, never from the events: the all-environments spans, or with
 * `environment` that environment's own spans. Named parameters: @org, @n, and @env, @from, @to,
 * @agent, @model, @after_ts, @after_id as the filter and cursor set them.
 *
 * Without an agent or model filter the query walks the order index backwards from the cursor
 * (a row-value seek) and stops after @n rows that pass `from` (the walk's lower bound) and `to`
 * (first_ts, in the index). Its cost is the page, except that `to` skips every conversation that
 * started at or after it: a `to` far in the past walks the conversations active since then.
 *
 * An agent or model filter is one seek in `conversation_members` per conversation walked, so a
 * page costs `page size / share of conversations that match`; a rare value (under
 * MEMBER_DRIVE_LIMIT member rows) instead drives the page from its own conversations, sorted.
 */
export function createSqliteConversationPage(db: Database.Database) {
  const countMembers = db.prepare<[string, string, string, number], { n: number }>(
    'SELECT count(*) AS n FROM (SELECT 1 FROM conversation_members WHERE org_id = ? AND dim = ? AND value = ? LIMIT ?)',
  )

  function pageSql(
    filter: ConversationFilter,
    after: boolean,
    driver: MemberDim | undefined,
  ): string {
    const byEnv = filter.environment !== undefined
    const inEnv = (alias: string) => (byEnv ? ` AND ${alias}environment = @env` : '')
    const where = [`s.org_id = @org${inEnv('s.')}`]
    if (filter.from !== undefined) where.push('s.last_ts >= @from')
    if (filter.to !== undefined) where.push('s.first_ts < @to')
    if (after) where.push('(s.last_ts, s.conversation_id) < (@after_ts, @after_id)')
    for (const [dim] of memberFilters(filter))
      if (dim !== driver)
        where.push(`EXISTS (SELECT 1 FROM conversation_members m WHERE m.org_id = @org AND m.dim = '${dim}' AND m.value = @${dim}
          AND m.conversation_id = s.conversation_id${inEnv('m.')})`)
    const spans = byEnv ? 'conversation_env_spans' : 'conversation_spans'
    // CROSS JOIN keeps the rare value's conversations as the outer loop (one primary key seek each).
    const source =
      driver === undefined
        ? `${spans} s INDEXED BY ${spans}_org_last`
        : `(SELECT DISTINCT conversation_id AS cid FROM conversation_members
            WHERE org_id = @org AND dim = '${driver}' AND value = @${driver}${inEnv('')}) d
          CROSS JOIN ${spans} s ON s.conversation_id = d.cid`
    return `SELECT s.conversation_id AS cid, s.first_ts, s.last_ts FROM ${source}
      WHERE ${where.join(' AND ')} ORDER BY s.last_ts DESC, s.conversation_id DESC LIMIT @n`
  }

  return {
    /** The page query for this filter: `WITH page AS (<this>)`. Reads the member counts it needs. */
    sql(orgId: string, filter: ConversationFilter, after: boolean): string {
      const counts = memberFilters(filter).map(([dim, value]): [MemberDim, number] => [
        dim,
        (countMembers.get(orgId, dim, value, MEMBER_DRIVE_LIMIT) as { n: number }).n,
      ])
      return pageSql(filter, after, memberDriver(counts))
    },
  }
}
