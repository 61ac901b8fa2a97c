import { EVENT_STATUSES, microsToUsd } from '@agenttrail/protocol'
import type { EventStatus } from '@agenttrail/protocol'
import { histogramQuantile } from './latency-buckets.js'
import type { Stats, StatsCounts, StatsQuery } from './store.js'
import { DAY_MS, HOUR_MS, floorTo } from './time-buckets.js'

/** The measures every rollup row carries, in column order. Dialects build their SQL from this list. */
export const MEASURE_COLUMNS = [
  'events',
  'errors',
  'pending',
  'denied',
  'duration_count',
  'duration_sum',
  'tokens_input',
  'tokens_output',
  'tokens_cache_read',
  'tokens_cache_write',
  'tokens_total',
  'cost_micros',
] as const

/**
 * One group of events from rollups or raw rows. `dim` says what it is grouped by besides the series
 * bucket `sb`: `total` by agent, `model` and `service` by that value. Null dimensions are ''.
 */
export interface StatsRow {
  dim: 'total' | 'model' | 'service'
  sb: number
  agent: string
  value: string
  events: number
  errors: number
  pending: number
  denied: number
  duration_count: number
  duration_sum: number
  tokens_input: number
  tokens_output: number
  tokens_cache_read: number
  tokens_cache_write: number
  tokens_total: number
  cost_micros: number
}

/** A raw-events group by (sb, agent, model, service), fanned out into the three dimension sets. */
export type RawStatsRow = Omit<StatsRow, 'dim' | 'value'> & { model: string; service: string }

export function fanOut(raw: RawStatsRow): StatsRow[] {
  const { model, service, ...rest } = raw
  return [
    { ...rest, dim: 'total', value: '' },
    { ...rest, dim: 'model', agent: '', value: model },
    { ...rest, dim: 'service', agent: '', value: service },
  ]
}

interface Acc {
  events: number
  errors: number
  tokens_total: number
  cost_micros: number
}

const emptyAcc = (): Acc => ({ events: 0, errors: 0, tokens_total: 0, cost_micros: 0 })
const toCounts = (a: Acc): StatsCounts => ({
  events: a.events,
  errors: a.errors,
  tokens_total: a.tokens_total,
  cost_usd: microsToUsd(a.cost_micros),
})

export function seriesSize(query: StatsQuery): number {
  return query.bucket === 'hour' ? HOUR_MS : DAY_MS
}

/** Folds grouped rows and a latency histogram into the `Stats` answer. Dialect-independent. */
export function assembleStats(
  query: StatsQuery,
  rows: readonly StatsRow[],
  histogram: ReadonlyMap<number, number>,
): Stats {
  const size = seriesSize(query)
  const byStatus: Record<EventStatus, number> = { success: 0, error: 0, pending: 0, denied: 0 }
  const tokens = { input: 0, output: 0, cache_read: 0, cache_write: 0, total: 0 }
  let events = 0
  let costMicros = 0
  let durationCount = 0
  let durationSum = 0
  const agents = new Map<string, Acc>()
  const models = new Map<string, Acc>()
  const services = new Map<string, Acc>()
  const series = new Map<number, Acc>()
  for (let t = floorTo(query.from, size); t < query.to; t += size) series.set(t, emptyAcc())

  const add = (map: Map<string | number, Acc>, key: string | number, row: StatsRow) => {
    let acc = map.get(key)
    if (!acc) map.set(key, (acc = emptyAcc()))
    acc.events += Number(row.events)
    acc.errors += Number(row.errors)
    acc.tokens_total += Number(row.tokens_total)
    acc.cost_micros += Number(row.cost_micros)
  }

  for (const row of rows) {
    if (row.dim === 'model') {
      add(models as Map<string | number, Acc>, row.value, row)
      continue
    }
    if (row.dim === 'service') {
      add(services as Map<string | number, Acc>, row.value, row)
      continue
    }
    const n = Number(row.events)
    events += n
    byStatus.error += Number(row.errors)
    byStatus.pending += Number(row.pending)
    byStatus.denied += Number(row.denied)
    byStatus.success += n - Number(row.errors) - Number(row.pending) - Number(row.denied)
    costMicros += Number(row.cost_micros)
    durationCount += Number(row.duration_count)
    durationSum += Number(row.duration_sum)
    tokens.input += Number(row.tokens_input)
    tokens.output += Number(row.tokens_output)
    tokens.cache_read += Number(row.tokens_cache_read)
    tokens.cache_write += Number(row.tokens_cache_write)
    tokens.total += Number(row.tokens_total)
    add(agents as Map<string | number, Acc>, row.agent, row)
    add(series as Map<string | number, Acc>, Number(row.sb), row)
  }

  const rates = Object.fromEntries(
    EVENT_STATUSES.map((s) => [s, events === 0 ? 0 : Number((byStatus[s] / events).toFixed(4))]),
  ) as Record<EventStatus, number>
  const ranked = <K extends string>(map: Map<string, Acc>, name: K) =>
    [...map.entries()]
      .sort((a, b) => b[1].events - a[1].events || a[0].localeCompare(b[0]))
      .map(
        ([key, acc]) =>
          ({ [name]: key === '' ? null : key, ...toCounts(acc) }) as {
            [P in K]: string | null
          } & StatsCounts,
      )

  return {
    from: new Date(query.from).toISOString(),
    to: new Date(query.to).toISOString(),
    bucket: query.bucket,
    totals: { events, ...byStatus },
    rates,
    latency_ms: {
      avg: durationCount === 0 ? null : Math.round(durationSum / durationCount),
      p50: histogramQuantile(histogram, 0.5),
      p95: histogramQuantile(histogram, 0.95),
    },
    tokens,
    cost_usd: microsToUsd(costMicros),
    by_agent: ranked(agents, 'agent'),
    by_model: ranked(models, 'model'),
    by_service: ranked(services, 'service'),
    series: [...series.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([start, acc]) => ({ start: new Date(start).toISOString(), ...toCounts(acc) })),
  }
}
