import type Database from 'better-sqlite3'
import { latencyBucket } from '../latency-buckets.js'
import { assembleStats, seriesSize } from '../stats-assembler.js'
import type { StatsRow } from '../stats-assembler.js'
import type { Stats, StatsQuery } from '../store.js'
import { HOUR_MS, ceilTo, floorTo, splitRange } from '../time-buckets.js'

const SUMS = `SUM(events) AS events, SUM(duration_count) AS duration_count, SUM(duration_sum) AS duration_sum,
  SUM(tokens_input) AS tokens_input, SUM(tokens_output) AS tokens_output, SUM(tokens_cache_read) AS tokens_cache_read,
  SUM(tokens_cache_write) AS tokens_cache_write, SUM(tokens_total) AS tokens_total, SUM(cost_micros) AS cost_micros`

const RAW_SUMS = `COUNT(*) AS events, COUNT(duration_ms) AS duration_count, COALESCE(SUM(duration_ms), 0) AS duration_sum,
  COALESCE(SUM(tokens_input), 0) AS tokens_input, COALESCE(SUM(tokens_output), 0) AS tokens_output,
  COALESCE(SUM(tokens_cache_read), 0) AS tokens_cache_read, COALESCE(SUM(tokens_cache_write), 0) AS tokens_cache_write,
  COALESCE(SUM(tokens_total), 0) AS tokens_total, COALESCE(SUM(cost_micros), 0) AS cost_micros`

/**
 * Stats from rollups: whole UTC days from the daily grain, whole hours from the hourly grain, and
 * only the sub-hour edges of the range from raw events. Exact counts and sums at any size; the
 * percentiles are read from log-bucket histograms (see latency-buckets.ts).
 */
export function createSqliteStats(db: Database.Database): (orgId: string, query: StatsQuery) => Stats {
  return (orgId, query) => {
    // An integer literal: bound JS numbers are REAL in SQLite, which would make the division inexact.
    const size = Math.trunc(seriesSize(query))
    const rows: StatsRow[] = []
    const histogram = new Map<number, number>()
    // The environment and agent filters, which rollups and raw rows share.
    const dimensions = { sql: '', params: [] as unknown[] }
    if (query.environment !== undefined) {
      dimensions.sql += ' AND environment = ?'
      dimensions.params.push(query.environment)
    }
    if (query.agent !== undefined) {
      dimensions.sql += ' AND agent = ?'
      dimensions.params.push(query.agent)
    }

    const fromRollups = (grain: 'h' | 'd', from: number, to: number) => {
      rows.push(
        ...db
          .prepare<unknown[], StatsRow>(
            `SELECT (bucket / ${size}) * ${size} AS sb, agent, service, model, status, ${SUMS} FROM rollups
             WHERE org_id = ? AND grain = ? AND bucket >= ? AND bucket < ?${dimensions.sql}
             GROUP BY sb, agent, service, model, status`,
          )
          .all(orgId, grain, from, to, ...dimensions.params),
      )
      const latencies = db
        .prepare<unknown[], { latency: number; events: number }>(
          `SELECT latency, SUM(events) AS events FROM latency_rollups
           WHERE org_id = ? AND grain = ? AND bucket >= ? AND bucket < ?${dimensions.sql} GROUP BY latency`,
        )
        .all(orgId, grain, from, to, ...dimensions.params)
      for (const l of latencies) histogram.set(l.latency, (histogram.get(l.latency) ?? 0) + l.events)
    }

    const fromRaw = (from: number, to: number) => {
      rows.push(
        ...db
          .prepare<unknown[], StatsRow>(
            `SELECT (ts / ${size}) * ${size} AS sb, coalesce(agent, '') AS agent, coalesce(service, '') AS service,
               coalesce(model, '') AS model, status, ${RAW_SUMS}
             FROM events WHERE org_id = ? AND ts >= ? AND ts < ?${dimensions.sql}
             GROUP BY sb, agent, service, model, status`,
          )
          .all(orgId, from, to, ...dimensions.params),
      )
      const durations = db
        .prepare<unknown[], { d: number }>(
          `SELECT duration_ms AS d FROM events WHERE org_id = ? AND ts >= ? AND ts < ? AND duration_ms IS NOT NULL${dimensions.sql}`,
        )
        .all(orgId, from, to, ...dimensions.params)
      for (const { d } of durations) {
        const b = latencyBucket(d)
        histogram.set(b, (histogram.get(b) ?? 0) + 1)
      }
    }

    if (query.bucket === 'hour') {
      const hStart = ceilTo(query.from, HOUR_MS)
      const hEnd = floorTo(query.to, HOUR_MS)
      if (hStart < hEnd) {
        fromRollups('h', hStart, hEnd)
        if (query.from < hStart) fromRaw(query.from, hStart)
        if (hEnd < query.to) fromRaw(hEnd, query.to)
      } else fromRaw(query.from, query.to)
    } else {
      const parts = splitRange(query.from, query.to)
      if (parts.days) fromRollups('d', ...parts.days)
      for (const [from, to] of parts.hours) fromRollups('h', from, to)
      for (const [from, to] of parts.raw) fromRaw(from, to)
    }
    return assembleStats(query, rows, histogram)
  }
}
