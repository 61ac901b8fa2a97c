import type { Stats } from '../../api/types'
import type { ChartSeries } from '../../components/chart'
import { formatCompact, formatNumber, formatPercent, formatUsd } from '../../lib/format'

/** One chart of the Stats view: its title, a description for screen readers, and its series. */
export interface StatsChart {
  title: string
  label: string
  x: number[]
  series: ChartSeries[]
}

/**
 * The Stats view's time series from `stats.series`: events and errors, error rate, tokens and
 * cost per bucket. Each chart's first series sets its axis format.
 */
export function statsCharts(stats: Stats): StatsChart[] {
  const points = stats.series
  const x = points.map((p) => Date.parse(p.start) / 1000)
  const per = stats.bucket === 'hour' ? 'per hour' : 'per day'
  return [
    {
      title: `Events and errors ${per}`,
      label: `Events and errors ${per}`,
      x,
      series: [
        {
          label: 'Events',
          values: points.map((p) => p.events),
          color: '--accent',
          bars: true,
          format: (v) => formatCompact(v),
        },
        {
          label: 'Errors',
          values: points.map((p) => p.errors),
          color: '--bad',
          format: (v) => formatNumber(v),
        },
      ],
    },
    {
      title: `Error rate ${per}`,
      label: `Share of events that failed, ${per}`,
      x,
      series: [
        {
          label: 'Error rate',
          // No events: no rate, rather than a misleading 0%.
          values: points.map((p) => (p.events ? p.errors / p.events : null)),
          color: '--bad',
          format: (v) => formatPercent(v, 0),
        },
      ],
    },
    {
      title: `Tokens ${per}`,
      label: `Tokens ${per}`,
      x,
      series: [
        {
          label: 'Tokens',
          values: points.map((p) => p.tokens_total),
          color: '--accent',
          bars: true,
          format: (v) => formatCompact(v),
        },
      ],
    },
    {
      title: `Cost ${per}`,
      label: `Cost in US dollars ${per}`,
      x,
      series: [
        {
          label: 'Cost',
          values: points.map((p) => p.cost_usd),
          color: '--good',
          format: (v) => formatUsd(v),
        },
      ],
    },
  ]
}
