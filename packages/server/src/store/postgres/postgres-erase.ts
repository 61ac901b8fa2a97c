import type pg from 'pg'
import { MEASURE_COLUMNS } from '../stats-assembler.js'
import type { Enforcement } from '../../control/enforcement.js'
import type { DeleteRange } from '../store.js'
import { DAY_MS, HOUR_MS, floorTo } from '../time-buckets.js'
import { tombstoneEvents } from '../tombstone.js'
import type { Erasure, ErasureRecord } from '../tombstone.js'
import {
  DIMS,
  LATENCY_DIMS,
  MEASURES,
  PG_LATENCY_BUCKET,
  appendInTransaction,
} from './postgres-append.js'
import type { ControlsCache } from './postgres-control-ops.js'
import { recomputeConversations } from './postgres-conversation-summary.js'
import { withTransaction } from './postgres-tx.js'

const GRAINS = [
  ['h', HOUR_MS],
  ['d', DAY_MS],
] as const

/** What the deleted rows (`gone`) added to each rollup row, for every grain and dimension set. */
const GONE_ROLLUPS = GRAINS.flatMap(([grain, size]) =>
  Object.entries(DIMS).map(
    ([
      dim,
      [agent, value],
    ]) => `SELECT org_id, '${grain}' AS grain, '${dim}' AS dim, (ts / ${size}) * ${size} AS bucket,
      environment, ${agent} AS agent, ${value} AS value, ${MEASURES} FROM gone GROUP BY 1, 2, 3, 4, 5, 6, 7`,
  ),
).join('\nUNION ALL\n')

const GONE_LATENCY = GRAINS.flatMap(([grain, size]) =>
  Object.entries(LATENCY_DIMS).map(
    ([
      dim,
      agent,
    ]) => `SELECT org_id, '${grain}' AS grain, '${dim}' AS dim, (ts / ${size}) * ${size} AS bucket,
      environment, ${agent} AS agent, ${PG_LATENCY_BUCKET} AS latency, count(*) AS events
      FROM gone WHERE duration_ms IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6, 7`,
  ),
).join('\nUNION ALL\n')

const KEY = ['org_id', 'grain', 'dim', 'bucket', 'environment', 'agent']
const match = (columns: string[], table: string) =>
  columns.map((c) => `${table}.${c} = d.${c}`).join(' AND ')

/**
 * One statement: the rows are deleted and everything derived from exactly those rows is taken back
 * (data-modifying CTEs all read `gone`, the deleted rows as RETURNING gives them). The rows take
 * their salts (`log_salt`) with them, so their leaves' commitments can no longer be opened (the
 * leaves stay). So go the input kept by the approvals they asked for, and their webhook deliveries
 * with their attempts (an announcement carries the event's metadata). Never an audit event: they are the trail's record of
 * what was done to it, tombstones first. It answers the erased seqs as inclusive runs (gaps and
 * islands: within a run, seq minus its rank is constant) and the agents' days they were on.
 */
const DELETE = `WITH gone AS (
    DELETE FROM events WHERE org_id = $1 AND ts >= $2 AND ts < $3 AND ($4::text IS NULL OR agent = $4)
      AND ($5::text IS NULL OR environment = $5) AND ($6::text IS NULL OR id = $6)
      AND ($7::text IS NULL OR "user" = $7) AND kind <> 'audit'
    RETURNING org_id, id, seq, ts, environment, agent, model, service, status, duration_ms, tokens_input, tokens_output,
      tokens_cache_read, tokens_cache_write, tokens_total, cost_micros, system_prompt_sha256, conversation_id),
  tags AS (DELETE FROM event_tags t USING gone WHERE t.org_id = gone.org_id AND t.ts = gone.ts AND t.seq = gone.seq RETURNING 1),
  ev AS (DELETE FROM evaluations v USING gone WHERE v.org_id = gone.org_id AND v.event_id = gone.id RETURNING 1),
  dl AS (DELETE FROM deliveries d USING gone WHERE d.org_id = gone.org_id AND d.event_id = gone.id RETURNING d.org_id, d.id),
  ap AS (UPDATE approvals p SET input = NULL FROM gone WHERE p.org_id = gone.org_id AND p.event_id = gone.id RETURNING 1),
  da AS (DELETE FROM delivery_attempts a USING dl WHERE a.org_id = dl.org_id AND a.delivery_id = dl.id RETURNING 1),
  r AS (UPDATE rollups SET ${MEASURE_COLUMNS.map((c) => `${c} = rollups.${c} - d.${c}`).join(', ')}
    FROM (${GONE_ROLLUPS}) d WHERE ${match([...KEY, 'value'], 'rollups')} RETURNING 1),
  l AS (UPDATE latency_rollups SET events = latency_rollups.events - d.events
    FROM (${GONE_LATENCY}) d WHERE ${match([...KEY, 'latency'], 'latency_rollups')} RETURNING 1),
  a AS (UPDATE agents SET events = agents.events - d.events, errors = agents.errors - d.errors,
      tokens_total = agents.tokens_total - d.tokens_total, cost_micros = agents.cost_micros - d.cost_micros
    FROM (SELECT org_id, environment, agent, count(*) AS events, count(*) FILTER (WHERE status = 'error') AS errors,
        coalesce(sum(tokens_total), 0) AS tokens_total, coalesce(sum(cost_micros), 0) AS cost_micros
      FROM gone WHERE agent IS NOT NULL GROUP BY 1, 2, 3) d
    WHERE agents.org_id = d.org_id AND agents.environment = d.environment AND agents.name = d.agent RETURNING 1)
  SELECT count(*) AS n, coalesce(array_remove(array_agg(DISTINCT system_prompt_sha256), NULL), '{}') AS prompts,
    coalesce(array_remove(array_agg(DISTINCT conversation_id), NULL), '{}') AS conversations,
    (SELECT coalesce(json_agg(json_build_array(lo, hi) ORDER BY lo), '[]') FROM (
      SELECT min(seq) AS lo, max(seq) AS hi FROM (SELECT seq, seq - row_number() OVER (ORDER BY seq) AS run FROM gone) s
      GROUP BY run) r) AS ranges,
    (SELECT coalesce(json_agg(d), '[]') FROM (SELECT DISTINCT environment, agent, floor(ts / ${DAY_MS}.0)::bigint AS day
      FROM gone WHERE agent IS NOT NULL) d) AS days
  FROM gone`

/**
 * The org's prompts ($2) that the deleted events used and no remaining event references. A
 * statement of its own: in the one above, every CTE still sees the rows it deletes.
 */
const DROP_PROMPTS = `DELETE FROM system_prompts p WHERE p.org_id = $1 AND p.sha256 = ANY($2::text[])
  AND NOT EXISTS (SELECT 1 FROM events e WHERE e.org_id = $1 AND e.system_prompt_sha256 = p.sha256)`

/**
 * Erases an org's events in a time range (optionally of one agent, environment, user or id) on
 * PostgreSQL, with their rollups, tags, agent counters, evaluations, openings, the input of the
 * approvals they asked for, webhook deliveries,
 * the conversation summary of the conversations they were part of and the system prompts no
 * remaining event references, and appends the tombstones naming them (`appendInTransaction`, so each gets its leaf),
 * in one transaction: a failing append erases nothing. The org row is locked first, as appends do,
 * so no append of the org commits between reading the rows and taking them out of the rollups (or
 * the conversation summary), nor stores a prompt that the cleanup then removes under its new event,
 * nor an evaluation of an event being erased (postgres-evaluations.ts takes the lock in share mode).
 */
export async function erasePostgres(
  client: pg.PoolClient,
  orgId: string,
  range: DeleteRange,
  record: ErasureRecord,
  cache: ControlsCache,
  enforce: Enforcement,
): Promise<Erasure> {
  const from = Math.trunc(range.from)
  const to = Math.trunc(range.to)
  return withTransaction(
    client,
    async (tx) => {
      const { rows } = await tx.query<{
        n: string
        prompts: string[]
        conversations: string[]
        ranges: Array<[number, number]>
        days: Array<{ environment: string; agent: string; day: number }>
      }>(DELETE, [
        orgId,
        from,
        to,
        range.agent ?? null,
        range.environment ?? null,
        range.id ?? null,
        range.user ?? null,
      ])
      const gone = rows[0]
      if (!gone || Number(gone.n) === 0) return { erased: 0, tombstones: [], days: [] }
      // A prompt's text is the org's data like the events that carried it: it goes with the last of them.
      if (gone.prompts.length > 0) await tx.query(DROP_PROMPTS, [orgId, gone.prompts])
      await recomputeConversations(tx, orgId, gone.conversations)
      // Rows no event backs any more would show up as zero entries (an agent with 0 events).
      for (const table of ['rollups', 'latency_rollups'])
        await tx.query(
          `DELETE FROM ${table} WHERE org_id = $1 AND bucket >= $2 AND bucket < $3 AND events = 0`,
          [orgId, floorTo(from, DAY_MS), to],
        )
      const items = tombstoneEvents(gone.ranges, record, Date.now()).map((event) => ({
        orgId,
        event,
        system: true,
      }))
      const appended = await appendInTransaction(tx, items, cache, enforce)
      return {
        erased: Number(gone.n),
        tombstones: appended.map(({ id, seq }) => ({ id, seq })),
        days: gone.days.map(({ environment, agent, day }) => ({
          environment,
          agent,
          day: new Date(Number(day) * DAY_MS).toISOString().slice(0, 10),
        })),
      }
    },
    // Locked, not created: an org without a row has no events to erase.
    { lockOrg: orgId, createOrg: false },
  )
}
