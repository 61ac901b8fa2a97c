import type pg from 'pg'
import type { MemberDim } from '../conversation-page-plan.js'
import { MEMBER_DRIVE_LIMIT, memberDriver, memberFilters } from '../conversation-page-plan.js'
import type { ConversationCursor, ConversationFilter } from '../conversation-store.js'

/** Binds a value under a name and returns its `$n` (the same name binds once). */
export type Bind = (name: string, value: unknown) => string

const COUNT_MEMBERS =
  'SELECT count(*) AS n FROM (SELECT 1 FROM conversation_members WHERE org_id = $1 AND dim = $2 AND value = $3 LIMIT $4) m'

/**
 * Finds one page of conversations (`cid`, `first_ts`, `last_ts`, newest activity first) from the
 * summary tables of migration 006, never from the events: the all-environments spans, or with
 * `environment` that environment's own spans. The same plans as on SQLite
 * (sqlite-conversation-page.ts), with the same costs: without an agent or model filter, a
 * backward walk of the order index from the cursor (a row comparison the index answers) that stops
 * after one page, where `to` skips the conversations that started at or after it; an agent or
 * model filter is one seek in `conversation_members` per conversation walked, and a rare value
 * (under MEMBER_DRIVE_LIMIT member rows, counted first) drives the page from its own conversations.
 * Ids order by their bytes (`COLLATE "C"`), as the order indexes do.
 *
 * The walk is the planner's choice, made from the tables' statistics (migration 006 takes them
 * after its backfill, autovacuum keeps them). Until the first analyze of tables that a bulk load
 * filled quickly, it may misjudge an org as small and read and sort all of it for a later page,
 * as the list did before these tables: slower, never a different answer.
 */
export function createPostgresConversationPage(pool: pg.Pool) {
  async function driver(orgId: string, filter: ConversationFilter): Promise<MemberDim | undefined> {
    const counts: Array<[MemberDim, number]> = []
    for (const [dim, value] of memberFilters(filter)) {
      const { rows } = await pool.query<{ n: string }>({
        name: 'conversation-members-count',
        text: COUNT_MEMBERS,
        values: [orgId, dim, value, MEMBER_DRIVE_LIMIT],
      })
      counts.push([dim, Number(rows[0]?.n ?? 0)])
    }
    return memberDriver(counts)
  }

  return {
    /** The page query for this filter, its values bound through `bind`: `WITH page AS (<this>)`. */
    async sql(
      orgId: string,
      filter: ConversationFilter,
      after: ConversationCursor | undefined,
      limit: number,
      bind: Bind,
    ) {
      const drive = await driver(orgId, filter)
      const org = bind('org', orgId)
      const inEnv = (alias: string) =>
        filter.environment === undefined
          ? ''
          : ` AND ${alias}environment = ${bind('env', filter.environment)}`
      const where = [`s.org_id = ${org}${inEnv('s.')}`]
      if (filter.from !== undefined) where.push(`s.last_ts >= ${bind('from', filter.from)}`)
      if (filter.to !== undefined) where.push(`s.first_ts < ${bind('to', filter.to)}`)
      if (after)
        where.push(
          `(s.last_ts, s.conversation_id COLLATE "C") < (${bind('after_ts', after.lastTs)}, ${bind('after_id', after.id)}::text)`,
        )
      // Each probe is a LATERAL subquery with LIMIT 1: always a seek per conversation walked, and
      // estimated to keep every row. As EXISTS or a filter, the planner may count on it to drop
      // rows and, believing the page cannot fill, read and sort the whole org instead (it does so
      // while the tables have no statistics).
      const probes = memberFilters(filter)
        .filter(([dim]) => dim !== drive)
        .map(
          ([
            dim,
            value,
          ]) => `CROSS JOIN LATERAL (SELECT 1 FROM conversation_members m WHERE m.org_id = ${org} AND m.dim = '${dim}'
            AND m.value = ${bind(dim, value)} AND m.conversation_id = s.conversation_id${inEnv('m.')} LIMIT 1) AS has_${dim}`,
        )
        .join(' ')
      const spans =
        filter.environment === undefined ? 'conversation_spans' : 'conversation_env_spans'
      const columns = 's.conversation_id AS cid, s.first_ts, s.last_ts'
      const order = `ORDER BY s.last_ts DESC, s.conversation_id COLLATE "C" DESC LIMIT ${bind('n', limit + 1)}`
      if (drive === undefined)
        return `SELECT ${columns} FROM ${spans} s ${probes} WHERE ${where.join(' AND ')} ${order}`
      // One primary key seek per conversation of the rare value, never a scan of the spans: LIMIT 1
      // (there is at most one row) keeps the LATERAL subquery from being flattened into a hash join.
      return `SELECT ${columns} FROM (SELECT DISTINCT conversation_id FROM conversation_members WHERE org_id = ${org}
          AND dim = '${drive}' AND value = ${bind(drive, filter[drive])}${inEnv('')}) d
        CROSS JOIN LATERAL (SELECT * FROM ${spans} s WHERE ${where.join(' AND ')} AND s.conversation_id = d.conversation_id LIMIT 1) s
        ${probes} ${order}`
    },
  }
}
