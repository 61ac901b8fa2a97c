import { useQuery } from '@tanstack/react-query'
import { useMemo } from 'react'
import { Link, useParams } from 'wouter'
import { api, ApiError } from '../../api/client'
import type { Agent, Stats } from '../../api/types'
import { Chart } from '../../components/chart'
import { activityChart } from '../../components/activity-chart'
import { EmptyState, ErrorBox, Loading, Page, StatCard } from '../../components/page'
import { formatDuration, formatNumber, formatPercent, formatUsd } from '../../lib/format'
import { hrefWithEnv, useEnvironment, useUrlState } from '../../lib/url-state'
import { useLiveInvalidate } from '../control/use-live-invalidate'
import { AgentDaysSection } from './agent-days'
import { AgentStatus } from './agent-status'
import { AgentEvents } from './agent-events'
import '../control/control.css'

/** The activity ranges the page offers (`?range=`): the days asked of the stats and their step. */
const RANGES = {
  '24h': { label: 'Last 24 hours', days: 1, bucket: 'hour' },
  '7d': { label: 'Last 7 days', days: 7, bucket: 'hour' },
  '30d': { label: 'Last 30 days', days: 30, bucket: 'day' },
} as const
type Range = keyof typeof RANGES

/** One agent: its status per environment with the controls, its activity, events and days. */
export default function AgentView() {
  const name = decodedParam(useParams<{ name: string }>().name)
  const environment = useEnvironment()
  const [params, set] = useUrlState()
  const range: Range = params.range in RANGES ? (params.range as Range) : '24h'
  const agent = useQuery({
    queryKey: ['agent', name, environment],
    queryFn: () =>
      api<{ name: string; environments: Agent[] }>(`/api/v1/agents/${encodeURIComponent(name)}`, {
        query: { environment },
      }),
    retry: (count, error) => !(error instanceof ApiError && error.status === 404) && count < 1,
  })
  const stats = useQuery({
    queryKey: ['stats', 'agent', name, environment, range],
    queryFn: () =>
      api<Stats>('/api/v1/stats', {
        query: { agent: name, environment, days: RANGES[range].days, bucket: RANGES[range].bucket },
      }),
  })
  useLiveInvalidate(
    [
      ['agent', name],
      ['stats', 'agent', name],
    ],
    (f) => f.type === 'event.new' && f.data.agent === name,
    2000,
  )
  const chart = useMemo(() => activityChart(stats.data), [stats.data])
  const back = (
    <Link href={hrefWithEnv('/agents', environment)} className="button">
      All agents
    </Link>
  )
  if (agent.isPending) return <Loading what={`Loading ${name}`} />
  if (agent.error)
    return (
      <Page title={name} actions={back}>
        {agent.error instanceof ApiError && agent.error.status === 404 ? (
          <EmptyState title="No such agent">
            <p>
              No agent named {name} has sent an event{environment ? ` in ${environment}` : ''}.
              Choose another environment in the header, or pick an agent from the list.
            </p>
          </EmptyState>
        ) : (
          <ErrorBox error={agent.error} />
        )}
      </Page>
    )
  const s = stats.data
  return (
    <Page title={name} actions={back}>
      <AgentStatus name={name} rows={agent.data.environments} />
      <section className="panel" aria-labelledby="agent-activity-title">
        <div className="section-head">
          <h2 id="agent-activity-title">Activity</h2>
          <label className="row-actions">
            <span className="muted">Range</span>
            <select value={range} onChange={(e) => set({ range: e.target.value })}>
              {(Object.keys(RANGES) as Range[]).map((r) => (
                <option key={r} value={r}>
                  {RANGES[r].label}
                </option>
              ))}
            </select>
          </label>
        </div>
        {stats.isPending ? (
          <Loading what="Loading activity" />
        ) : stats.error ? (
          <ErrorBox error={stats.error} />
        ) : (
          <>
            <div className="cards">
              <StatCard label="Events" value={formatNumber(s!.totals.events)} />
              <StatCard
                label="Error rate"
                value={formatPercent(s!.rates.error)}
                sub={`${formatNumber(s!.totals.error)} error${s!.totals.error === 1 ? '' : 's'}`}
                tone={s!.rates.error > 0.05 ? 'bad' : undefined}
              />
              <StatCard label="Denied" value={formatNumber(s!.totals.denied)} />
              <StatCard label="Cost" value={formatUsd(s!.cost_usd)} />
              <StatCard
                label="Latency p50 / p95"
                value={formatDuration(s!.latency_ms.p50)}
                sub={`p95 ${formatDuration(s!.latency_ms.p95)}`}
              />
              <StatCard label="Tokens" value={formatNumber(s!.tokens.total)} />
            </div>
            <Chart
              x={chart.x}
              series={chart.series}
              label={`Events and errors of ${name} per ${RANGES[range].bucket}, ${RANGES[range].label.toLowerCase()}`}
            />
          </>
        )}
      </section>
      <AgentEvents name={name} environment={environment} />
      <AgentDaysSection agents={agent.data.environments} />
    </Page>
  )
}

/** A path parameter as typed: decoded once, or as it is when it is not valid percent-encoding. */
function decodedParam(value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}
