import type pg from 'pg'
import { MEASURE_COLUMNS, assembleStats, fanOut, seriesSize } from '../stats-assembler.js'
import type { RawStatsRow, StatsRow } from '../stats-assembler.js'
import type { Stats, StatsQuery } from '../store.js'
import { HOUR_MS, ceilTo, floorTo, splitRange } from '../time-buckets.js'
import { PG_LATENCY_BUCKET } from './postgres-append.js'
import { withTransaction } from './postgres-tx.js'

const SUMS = MEASURE_COLUMNS.map((c) => `sum(${c}) AS ${c}`).join(', ')

const RAW = `count(*) AS events, count(*) FILTER (WHERE status = 'error') AS errors,
  count(*) FILTER (WHERE status = 'pending') AS pending, count(*) FILTER (WHERE status = 'denied') AS denied,
  count(duration_ms) AS duration_count, coalesce(sum(duration_ms), 0) AS duration_sum,
  coalesce(sum(tokens_input), 0) AS tokens_input, coalesce(sum(tokens_output), 0) AS tokens_output,
  coalesce(sum(tokens_cache_read), 0) AS tokens_cache_read, coalesce(sum(tokens_cache_write), 0) AS tokens_cache_write,
  coalesce(sum(tokens_total), 0) AS tokens_total, coalesce(sum(cost_micros), 0) AS cost_micros`

/**
 * Stats on PostgreSQL, as on the embedded store: daily and hourly rollups for whole days and hours,
 * raw rows for the sub-hour edges. Rollups are written in the append transaction, so one
 * REPEATABLE READ snapshot sees them and the events consistently.
 */
export async function statsPostgres(
  pool: pg.Pool,
  orgId: string,
  query: StatsQuery,
): Promise<Stats> {
  const size = Math.trunc(seriesSize(query))
  const rows: StatsRow[] = []
  const histogram = new Map<number, number>()
  // The environment and agent filters, which rollups and raw rows share; numbered after `offset`.
  const filters = (['environment', 'agent'] as const).filter((f) => query[f] !== undefined)
  const filterParams = filters.map((f) => query[f])
  const filterSql = (offset: number) =>
    filters.map((f, i) => ` AND ${f} = $${offset + i + 1}`).join('')
  const agentFiltered = query.agent !== undefined
  const dims = agentFiltered
    ? "'total', 'agent_model', 'agent_service'"
    : "'total', 'model', 'service'"
  const dimName = agentFiltered
    ? "CASE dim WHEN 'agent_model' THEN 'model' WHEN 'agent_service' THEN 'service' ELSE dim END"
    : 'dim'
  const readAll = async (client: pg.PoolClient) => {
    const addLatency = (list: Array<{ latency: number; events: string }>) => {
      for (const l of list)
        histogram.set(Number(l.latency), (histogram.get(Number(l.latency)) ?? 0) + Number(l.events))
    }
    const fromRollups = async (grain: 'h' | 'd', from: number, to: number) => {
      const params = [orgId, grain, from, to, ...filterParams]
      rows.push(
        ...(
          await client.query<StatsRow>(
            `SELECT ${dimName} AS dim, (bucket / ${size}) * ${size} AS sb, agent, value, ${SUMS} FROM rollups
             WHERE org_id = $1 AND grain = $2 AND dim IN (${dims}) AND bucket >= $3 AND bucket < $4${filterSql(4)}
             GROUP BY 1, 2, 3, 4`,
            params,
          )
        ).rows,
      )
      addLatency(
        (
          await client.query<{ latency: number; events: string }>(
            `SELECT latency, sum(events) AS events FROM latency_rollups
             WHERE org_id = $1 AND grain = $2 AND dim = '${agentFiltered ? 'agent' : 'all'}' AND bucket >= $3 AND bucket < $4${filterSql(4)}
             GROUP BY latency`,
            params,
          )
        ).rows,
      )
    }
    const fromRaw = async (from: number, to: number) => {
      const params = [orgId, from, to, ...filterParams]
      const raw = await client.query<RawStatsRow>(
        `SELECT (ts / ${size}) * ${size} AS sb, coalesce(agent, '') AS agent, coalesce(model, '') AS model,
           coalesce(service, '') AS service, ${RAW}
         FROM events WHERE org_id = $1 AND ts >= $2 AND ts < $3${filterSql(3)} GROUP BY 1, 2, 3, 4`,
        params,
      )
      for (const r of raw.rows) rows.push(...fanOut(r))
      addLatency(
        (
          await client.query<{ latency: number; events: string }>(
            `SELECT ${PG_LATENCY_BUCKET} AS latency, count(*) AS events FROM events
             WHERE org_id = $1 AND ts >= $2 AND ts < $3 AND duration_ms IS NOT NULL${filterSql(3)} GROUP BY 1`,
            params,
          )
        ).rows,
      )
    }
    const hStart = ceilTo(query.from, HOUR_MS)
    const hEnd = floorTo(query.to, HOUR_MS)
    if (hStart >= hEnd) await fromRaw(query.from, query.to)
    else {
      if (query.bucket === 'hour') await fromRollups('h', hStart, hEnd)
      else {
        const parts = splitRange(query.from, query.to)
        if (parts.days) await fromRollups('d', ...parts.days)
        for (const [from, to] of parts.hours) await fromRollups('h', from, to)
      }
      if (query.from < hStart) await fromRaw(query.from, hStart)
      if (hEnd < query.to) await fromRaw(hEnd, query.to)
    }
  }
  // One snapshot: the rollups and the raw rows at the edges agree.
  await withTransaction(pool, readAll, { isolation: 'repeatable read', readOnly: true })
  return assembleStats(query, rows, histogram)
}
