import type { Stats } from '../api/types'
import { formatNumber } from '../lib/format'
import type { ChartSeries } from './chart'

/** Events as bars and errors as a line per bucket of `stats`, for the overview and agent charts. */
export function activityChart(stats: Stats | undefined): { x: number[]; series: ChartSeries[] } {
  const points = stats?.series ?? []
  return {
    x: points.map((p) => Date.parse(p.start) / 1000),
    series: [
      {
        label: 'Events',
        values: points.map((p) => p.events),
        color: '--accent',
        bars: true,
        format: (v) => formatNumber(v),
      },
      {
        label: 'Errors',
        values: points.map((p) => p.errors),
        color: '--bad',
        format: (v) => formatNumber(v),
      },
    ],
  }
}
