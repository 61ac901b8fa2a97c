import type Database from 'better-sqlite3'
import { MEASURE_COLUMNS } from '../stats-assembler.js'
import { DAY_MS, HOUR_MS } from '../time-buckets.js'

/** The latency bucket of `duration_ms` in SQL; the same function as `latencyBucket` in latency-buckets.ts. */
export const LATENCY_BUCKET_SQL =
  'CASE WHEN duration_ms <= 1 THEN 0 ELSE CAST(ceil(ln(duration_ms) / ln(1.05) - 1e-9) AS INTEGER) END'

/** The measures every rollup row carries, computed over raw events, in rollup column order. */
export const RAW_MEASURES = `count(*) AS events, sum(status = 'error') AS errors, sum(status = 'pending') AS pending,
  sum(status = 'denied') AS denied, count(duration_ms) AS duration_count, coalesce(sum(duration_ms), 0) AS duration_sum,
  coalesce(sum(tokens_input), 0) AS tokens_input, coalesce(sum(tokens_output), 0) AS tokens_output,
  coalesce(sum(tokens_cache_read), 0) AS tokens_cache_read, coalesce(sum(tokens_cache_write), 0) AS tokens_cache_write,
  coalesce(sum(tokens_total), 0) AS tokens_total, coalesce(sum(cost_micros), 0) AS cost_micros`

const ADD = MEASURE_COLUMNS.map((c) => `${c} = ${c} + excluded.${c}`).join(', ')

/** For each dimension set: the agent and value columns it groups by. */
export const DIMS: Record<string, [agent: string, value: string]> = {
  total: ["coalesce(agent, '')", "''"],
  model: ["''", "coalesce(model, '')"],
  service: ["''", "coalesce(service, '')"],
  agent_model: ["coalesce(agent, '')", "coalesce(model, '')"],
  agent_service: ["coalesce(agent, '')", "coalesce(service, '')"],
}

export const LATENCY_DIMS: Record<string, string> = { all: "''", agent: "coalesce(agent, '')" }

/**
 * The roller: folds events appended since it last ran into hourly and daily rollups with set-based
 * SQL (one INSERT ... SELECT ... GROUP BY per dimension set and grain), then advances its cursor,
 * all in one transaction. New events are normally rolled up by the fold in memory instead
 * (sqlite-rollup-fold.ts); this reaches the events the fold does not hold (after a restart, or once
 * the fold was dropped). Ingest never waits for it; stats add the rows it has not reached yet.
 */
export function createSqliteRoller(db: Database.Database): (maxEvents: number) => number {
  const cursor = db.prepare<[], { value: number }>(
    "SELECT value FROM meta WHERE key = 'rollup_rowid'",
  )
  const upTo = db.prepare<[number, number], { hi: number | null; n: number }>(
    'SELECT max(rowid) AS hi, count(*) AS n FROM (SELECT rowid FROM events WHERE rowid > ? ORDER BY rowid LIMIT ?)',
  )
  const advance = db.prepare("UPDATE meta SET value = ? WHERE key = 'rollup_rowid'")
  const statements: Database.Statement[] = []
  for (const [grain, size] of [
    ['h', HOUR_MS],
    ['d', DAY_MS],
  ] as const) {
    for (const [dim, [agent, value]] of Object.entries(DIMS)) {
      statements.push(
        db.prepare(`INSERT INTO rollups
          SELECT org_id, '${grain}', '${dim}', (ts / ${size}) * ${size}, environment, ${agent}, ${value}, ${RAW_MEASURES}
          FROM events WHERE rowid > ? AND rowid <= ? GROUP BY 1, 2, 3, 4, 5, 6, 7
          ON CONFLICT DO UPDATE SET ${ADD}`),
      )
    }
    for (const [dim, agent] of Object.entries(LATENCY_DIMS)) {
      statements.push(
        db.prepare(`INSERT INTO latency_rollups
          SELECT org_id, '${grain}', '${dim}', (ts / ${size}) * ${size}, environment, ${agent}, ${LATENCY_BUCKET_SQL}, count(*)
          FROM events WHERE rowid > ? AND rowid <= ? AND duration_ms IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6, 7
          ON CONFLICT DO UPDATE SET events = events + excluded.events`),
      )
    }
  }
  return db.transaction((maxEvents: number): number => {
    const lo = (cursor.get() as { value: number }).value
    const { hi, n } = upTo.get(lo, maxEvents) as { hi: number | null; n: number }
    if (hi === null) return 0
    for (const statement of statements) statement.run(lo, hi)
    advance.run(hi)
    return n
  })
}
