import type { ChartSeries } from '../../components/chart'
import { formatNumber } from '../../lib/format'
import type { EvaluationStats } from './evaluation-types'

/** The mean score and the number of evaluations per UTC day, for two charts on one x axis. */
export function evaluationCharts(stats: EvaluationStats): {
  x: number[]
  score: ChartSeries[]
  count: ChartSeries[]
} {
  const x = stats.trend.map((d) => Date.parse(`${d.date}T00:00:00Z`) / 1000)
  return {
    x,
    score: [
      {
        label: 'Mean score',
        values: stats.trend.map((d) => d.avgScore),
        color: '--accent',
        format: (v) => v.toFixed(0),
      },
    ],
    count: [
      {
        label: 'Evaluations',
        values: stats.trend.map((d) => d.count),
        color: '--good',
        bars: true,
        format: (v) => formatNumber(v),
      },
    ],
  }
}
