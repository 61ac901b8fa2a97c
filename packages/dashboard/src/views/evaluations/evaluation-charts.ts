import type { ChartSeries } from '../../components/chart'
import { formatNumber } from '../../lib/format'
import type { EvaluationStats } from './evaluation-types'

const DAY_MS = 86_400_000

/**
 * The mean score and the number of evaluations per UTC day over the whole window, for two charts
 * on one x axis. The API lists only days with evaluations; the days between are filled (no score,
 * zero evaluations) so the axis spans the window and a quiet week shows as one.
 */
export function evaluationCharts(stats: EvaluationStats): {
  x: number[]
  score: ChartSeries[]
  count: ChartSeries[]
} {
  const byDay = new Map(stats.trend.map((d) => [Date.parse(`${d.date}T00:00:00Z`), d]))
  const first = Math.floor(Date.parse(stats.from) / DAY_MS) * DAY_MS
  const last = Math.floor((Date.parse(stats.to) - 1) / DAY_MS) * DAY_MS
  const x: number[] = []
  const score: (number | null)[] = []
  const count: number[] = []
  for (let day = first; day <= last; day += DAY_MS) {
    const point = byDay.get(day)
    x.push(day / 1000)
    score.push(point?.avgScore ?? null)
    count.push(point?.count ?? 0)
  }
  return {
    x,
    score: [
      {
        label: 'Mean score',
        values: score,
        color: '--accent',
        // Bars: evaluations come on some days only, and a lone day's mean must still show.
        bars: true,
        format: (v) => v.toFixed(0),
      },
    ],
    count: [
      {
        label: 'Evaluations',
        values: count,
        color: '--good',
        bars: true,
        format: (v) => formatNumber(v),
      },
    ],
  }
}
