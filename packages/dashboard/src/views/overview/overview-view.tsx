import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useMemo } from 'react'
import { Link } from 'wouter'
import { api } from '../../api/client'
import { useStreamFrames } from '../../api/stream'
import type { Agent, Alert, Approval, Stats } from '../../api/types'
import { Chart } from '../../components/chart'
import { activityChart } from '../../components/activity-chart'
import { FirstEventHint } from '../../components/first-event'
import { ErrorBox, Loading, Page, StatCard } from '../../components/page'
import { formatNumber, formatPercent, formatUsd } from '../../lib/format'
import { hrefWithEnv, useEnvironment } from '../../lib/url-state'
import { Breakdown } from './breakdown'

const DAY_MS = 86_400_000

/** Overview: today's figures against the week, the last 24 hours, and what needs a person now. */
export default function OverviewView() {
  const environment = useEnvironment()
  const client = useQueryClient()
  const day = useQuery({
    queryKey: ['stats', 'overview-day', environment],
    queryFn: () => api<Stats>('/api/v1/stats', { query: { days: 1, bucket: 'hour', environment } }),
  })
  // Eight UTC days: today plus the seven before it, for "cost today against the 7-day average".
  const week = useQuery({
    queryKey: ['stats', 'overview-week', environment],
    queryFn: () =>
      api<Stats>('/api/v1/stats', {
        query: {
          from: new Date(startOfUtcDay(Date.now()) - 7 * DAY_MS).toISOString(),
          bucket: 'day',
          environment,
        },
      }),
  })
  const agents = useQuery({
    queryKey: ['agents', environment],
    queryFn: () => api<{ agents: Agent[] }>('/api/v1/agents', { query: { environment } }),
  })
  const alerts = useQuery({
    queryKey: ['alerts', 'firing', environment],
    queryFn: () =>
      api<{ alerts: Alert[] }>('/api/v1/alerts', {
        query: { state: 'firing', environment, limit: 200 },
      }),
  })
  const approvals = useQuery({
    queryKey: ['approvals', 'pending', environment],
    queryFn: () =>
      api<{ approvals: Approval[] }>('/api/v1/approvals', {
        query: { status: 'pending', environment, limit: 200 },
      }),
  })
  // New events and alerts refresh the figures (at most once per second, by query staleness).
  useStreamFrames(() => {
    void client.invalidateQueries({ queryKey: ['stats'] })
    void client.invalidateQueries({ queryKey: ['alerts'] })
    void client.invalidateQueries({ queryKey: ['approvals'] })
  })

  const cost = useMemo(() => costToday(week.data), [week.data])
  const chart = useMemo(() => activityChart(day.data), [day.data])
  if (day.isPending || week.isPending) return <Loading what="Loading the overview" />
  if (day.error || week.error) return <ErrorBox error={day.error ?? week.error} />
  const d = day.data!
  const now = Date.now()
  const active = (agents.data?.agents ?? []).filter(
    (a) => a.status === 'active' && now - Date.parse(a.last_seen) < DAY_MS,
  )
  const firing = alerts.data?.alerts.length
  const pending = approvals.data?.approvals.length
  const nothingYet =
    (week.data?.totals.events ?? 0) === 0 && (agents.data?.agents.length ?? 0) === 0

  return (
    <Page title="Overview">
      {nothingYet ? <FirstEventHint /> : null}
      <div className="cards">
        <StatCard
          label="Events, last 24 h"
          value={formatNumber(d.totals.events)}
          sub={`${formatNumber(d.totals.denied)} denied`}
        />
        <StatCard
          label="Cost today (UTC)"
          value={formatUsd(cost.today)}
          sub={
            cost.average === null
              ? 'no earlier days yet'
              : `7-day average ${formatUsd(cost.average)}`
          }
          tone={cost.average !== null && cost.today > cost.average * 1.5 ? 'bad' : undefined}
        />
        <StatCard
          label="Active agents, 24 h"
          value={formatNumber(active.length)}
          sub={`${formatNumber(agents.data?.agents.length ?? 0)} known`}
        />
        <StatCard
          label="Error rate, 24 h"
          value={formatPercent(d.rates.error)}
          tone={d.rates.error > 0.05 ? 'bad' : undefined}
        />
        <StatCard
          label="Open alerts"
          value={
            <Link href={hrefWithEnv('/alerts', environment)}>
              {firing === undefined ? '—' : firing >= 200 ? '200+' : formatNumber(firing)}
            </Link>
          }
          tone={firing ? 'bad' : undefined}
        />
        <StatCard
          label="Pending approvals"
          value={
            <Link href={hrefWithEnv('/control/approvals', environment)}>
              {pending === undefined ? '—' : pending >= 200 ? '200+' : formatNumber(pending)}
            </Link>
          }
        />
      </div>
      <section className="panel">
        <h2>Activity, last 24 hours</h2>
        <Chart
          x={chart.x}
          series={chart.series}
          label="Events and errors per hour over the last 24 hours"
        />
      </section>
      <div className="two-col">
        <Breakdown
          title="By service"
          rows={d.by_service.map((r) => ({ name: r.service, ...r }))}
          filterKey="service"
        />
        <Breakdown
          title="By model"
          rows={d.by_model.map((r) => ({ name: r.model, ...r }))}
          filterKey="model"
        />
      </div>
    </Page>
  )
}

function startOfUtcDay(t: number): number {
  return Math.floor(t / DAY_MS) * DAY_MS
}

/** Today's cost and the mean of the seven whole UTC days before it (null when none had events). */
export function costToday(stats: Stats | undefined): { today: number; average: number | null } {
  if (!stats) return { today: 0, average: null }
  const todayStart = startOfUtcDay(Date.now())
  let today = 0
  const before: number[] = []
  for (const point of stats.series) {
    const t = Date.parse(point.start)
    if (t >= todayStart) today += point.cost_usd
    else if (t >= todayStart - 7 * DAY_MS) before.push(point.cost_usd)
  }
  const seen = stats.series.some((p) => Date.parse(p.start) < todayStart && p.events > 0)
  return { today, average: seen ? before.reduce((a, b) => a + b, 0) / 7 : null }
}
