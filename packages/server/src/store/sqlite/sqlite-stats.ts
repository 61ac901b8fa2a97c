import type Database from 'better-sqlite3'
import { MEASURE_COLUMNS, assembleStats, fanOut, seriesSize } from '../stats-assembler.js'
import type { RawStatsRow, StatsRow } from '../stats-assembler.js'
import type { Stats, StatsQuery } from '../store.js'
import { HOUR_MS, ceilTo, floorTo, splitRange } from '../time-buckets.js'
import { LATENCY_BUCKET_SQL, RAW_MEASURES } from './sqlite-rollups.js'

const SUMS = MEASURE_COLUMNS.map((c) => `sum(${c}) AS ${c}`).join(', ')

/**
 * Stats from rollups: whole UTC days from the daily grain, whole hours from the hourly grain, the
 * sub-hour edges of the range from raw events, and, for the covered range, the events the roller
 * has not reached yet. Read in one transaction, so rollups and their cursor agree. Exact counts and
 * sums at any size; percentiles from log-bucket histograms (latency-buckets.ts).
 */
export function createSqliteStats(
  db: Database.Database,
): (orgId: string, query: StatsQuery) => Stats {
  const rolledUpTo = db.prepare<[], { value: number }>(
    "SELECT value FROM meta WHERE key = 'rollup_rowid'",
  )
  return db.transaction((orgId: string, query: StatsQuery): Stats => {
    // An integer literal: bound JS numbers are REAL in SQLite, which would make the division inexact.
    const size = Math.trunc(seriesSize(query))
    const cursor = (rolledUpTo.get() as { value: number }).value
    const rows: StatsRow[] = []
    const histogram = new Map<number, number>()
    const addLatency = (list: Array<{ latency: number; events: number }>) => {
      for (const l of list) histogram.set(l.latency, (histogram.get(l.latency) ?? 0) + l.events)
    }
    let filter = ''
    const filterParams: unknown[] = []
    if (query.environment !== undefined) {
      filter += ' AND environment = ?'
      filterParams.push(query.environment)
    }
    const agentFiltered = query.agent !== undefined
    if (agentFiltered) {
      filter += ' AND agent = ?'
      filterParams.push(query.agent)
    }
    // With an agent filter, read that agent's model and service rows instead of the org-wide ones.
    const dims = agentFiltered
      ? "'total', 'agent_model', 'agent_service'"
      : "'total', 'model', 'service'"
    const dimName = agentFiltered
      ? "CASE dim WHEN 'agent_model' THEN 'model' WHEN 'agent_service' THEN 'service' ELSE dim END"
      : 'dim'

    const fromRollups = (grain: 'h' | 'd', from: number, to: number) => {
      rows.push(
        ...db
          .prepare<unknown[], StatsRow>(
            `SELECT ${dimName} AS dim, (bucket / ${size}) * ${size} AS sb, agent, value, ${SUMS} FROM rollups
             WHERE org_id = ? AND grain = ? AND dim IN (${dims}) AND bucket >= ? AND bucket < ?${filter}
             GROUP BY 1, 2, 3, 4`,
          )
          .all(orgId, grain, from, to, ...filterParams),
      )
      addLatency(
        db
          .prepare<unknown[], { latency: number; events: number }>(
            `SELECT latency, sum(events) AS events FROM latency_rollups
             WHERE org_id = ? AND grain = ? AND dim = ? AND bucket >= ? AND bucket < ?${filter} GROUP BY latency`,
          )
          .all(orgId, grain, agentFiltered ? 'agent' : 'all', from, to, ...filterParams),
      )
    }

    // Raw events in [from, to); with `after`, only those past the roller's cursor.
    const fromRaw = (from: number, to: number, after?: number) => {
      const source = after === undefined ? 'events' : 'events NOT INDEXED'
      const tail = after === undefined ? '' : ' AND rowid > ?'
      const params = [orgId, from, to, ...(after === undefined ? [] : [after]), ...filterParams]
      const raw = db
        .prepare<unknown[], RawStatsRow>(
          `SELECT (ts / ${size}) * ${size} AS sb, coalesce(agent, '') AS agent, coalesce(model, '') AS model,
             coalesce(service, '') AS service, ${RAW_MEASURES}
           FROM ${source} WHERE org_id = ? AND ts >= ? AND ts < ?${tail}${filter} GROUP BY 1, 2, 3, 4`,
        )
        .all(...params)
      for (const r of raw) rows.push(...fanOut(r))
      addLatency(
        db
          .prepare<unknown[], { latency: number; events: number }>(
            `SELECT ${LATENCY_BUCKET_SQL} AS latency, count(*) AS events FROM ${source}
             WHERE org_id = ? AND ts >= ? AND ts < ?${tail} AND duration_ms IS NOT NULL${filter} GROUP BY 1`,
          )
          .all(...params),
      )
    }

    const hStart = ceilTo(query.from, HOUR_MS)
    const hEnd = floorTo(query.to, HOUR_MS)
    if (hStart >= hEnd) fromRaw(query.from, query.to)
    else {
      if (query.bucket === 'hour') fromRollups('h', hStart, hEnd)
      else {
        const parts = splitRange(query.from, query.to)
        if (parts.days) fromRollups('d', ...parts.days)
        for (const [from, to] of parts.hours) fromRollups('h', from, to)
      }
      if (query.from < hStart) fromRaw(query.from, hStart)
      if (hEnd < query.to) fromRaw(hEnd, query.to)
      fromRaw(hStart, hEnd, cursor)
    }
    return assembleStats(query, rows, histogram)
  })
}
