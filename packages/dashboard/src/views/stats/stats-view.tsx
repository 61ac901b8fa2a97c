import { useQuery } from '@tanstack/react-query'
import { useMemo } from 'react'
import { Link } from 'wouter'
import { api } from '../../api/client'
import type { Stats } from '../../api/types'
import { Chart } from '../../components/chart'
import { FirstEventHint } from '../../components/first-event'
import { ErrorBox, Loading, Page, StatCard } from '../../components/page'
import {
  formatDuration,
  formatNumber,
  formatPercent,
  formatTime,
  formatUsd,
} from '../../lib/format'
import { hrefWithEnv, useEnvironment, useUrlState } from '../../lib/url-state'
import { DateInput, FilterSelect, useAgentNames } from '../conversations/filter-controls'
import { useLiveRefresh } from '../conversations/use-live-refresh'
import { StatsBreakdown } from './stats-breakdown'
import { statsCharts } from './stats-charts'
import { RANGES, parseRange, rangeQuery } from './stats-range'
import './stats.css'

/**
 * Stats: success, error and denied rates, latency, tokens and cost over a range, as figures and
 * charts, then the breakdowns by agent, model and service. Range and agent live in the URL.
 */
export default function StatsView() {
  const environment = useEnvironment()
  const [params, set] = useUrlState()
  const range = parseRange(params.range)
  const rq = rangeQuery(range, params.from, params.to)
  const invalid = 'error' in rq ? rq.error : undefined
  const query = 'error' in rq ? {} : rq
  const stats = useQuery({
    queryKey: ['stats', 'view', query, params.agent, environment],
    enabled: !invalid,
    queryFn: ({ signal }) =>
      api<Stats>('/api/v1/stats', {
        query: { ...query, agent: params.agent, environment },
        signal,
      }),
  })
  // New events move the figures; one refetch per few seconds is plenty for aggregates.
  useLiveRefresh(['stats', 'view'], (f) => f.type === 'event.new', { waitMs: 3000 })
  const agents = useAgentNames(environment)
  const charts = useMemo(() => (stats.data ? statsCharts(stats.data) : []), [stats.data])

  return (
    <Page title="Stats">
      <form className="toolbar" aria-label="Range and filters" onSubmit={(e) => e.preventDefault()}>
        <FilterSelect
          label="Range"
          value={range}
          options={RANGES.map((r) => r.value)}
          optionLabel={(v) => RANGES.find((r) => r.value === v)!.label}
          onChange={(value) =>
            set(value === 'custom' ? { range: value } : { range: value, from: null, to: null })
          }
        />
        {range === 'custom' ? (
          <>
            <DateInput
              label="From"
              value={params.from}
              max={params.to}
              onChange={(v) => set({ from: v })}
            />
            <DateInput
              label="To"
              value={params.to}
              min={params.from}
              onChange={(v) => set({ to: v })}
            />
          </>
        ) : null}
        <FilterSelect
          label="Agent"
          value={params.agent}
          options={agents}
          anyLabel="All agents"
          onChange={(v) => set({ agent: v })}
        />
      </form>
      {invalid ? (
        <div className="muted" role="status">
          {invalid}
        </div>
      ) : stats.isPending ? (
        <Loading what="Loading stats" />
      ) : stats.error ? (
        <ErrorBox error={stats.error} />
      ) : (
        <StatsBody stats={stats.data} />
      )}
      {charts.length && !invalid && stats.data ? (
        <div className="stats-charts">
          {charts.map((c) => (
            <section key={c.title} className="panel">
              <h2>{c.title}</h2>
              <Chart x={c.x} series={c.series} label={c.label} height={180} />
            </section>
          ))}
        </div>
      ) : null}
      {stats.data && !invalid ? (
        <Breakdowns stats={stats.data} onAgent={(agent) => set({ agent }, { push: true })} />
      ) : null}
    </Page>
  )
}

function StatsBody({ stats: s }: { stats: Stats }) {
  return (
    <>
      <div className="muted small">
        {formatTime(s.from)} to {formatTime(s.to)}, per {s.bucket}
      </div>
      {s.totals.events === 0 ? <FirstEventHint /> : null}
      <div className="cards">
        <StatCard
          label="Events"
          value={formatNumber(s.totals.events)}
          sub={`${formatNumber(s.totals.pending)} pending`}
        />
        <StatCard label="Success rate" value={formatPercent(s.rates.success)} tone="good" />
        <StatCard
          label="Error rate"
          value={formatPercent(s.rates.error)}
          sub={`${formatNumber(s.totals.error)} errors`}
          tone={s.rates.error > 0.05 ? 'bad' : undefined}
        />
        <StatCard
          label="Denied rate"
          value={formatPercent(s.rates.denied)}
          sub={`${formatNumber(s.totals.denied)} denied`}
        />
        <StatCard
          label="Latency p50"
          value={formatDuration(s.latency_ms.p50)}
          sub={`average ${formatDuration(s.latency_ms.avg)}`}
        />
        <StatCard label="Latency p95" value={formatDuration(s.latency_ms.p95)} />
        <StatCard
          label="Tokens"
          value={formatNumber(s.tokens.total)}
          sub={`in ${formatNumber(s.tokens.input)} · out ${formatNumber(s.tokens.output)} · cache ${formatNumber(s.tokens.cache_read)} read, ${formatNumber(s.tokens.cache_write)} write`}
        />
        <StatCard label="Cost" value={formatUsd(s.cost_usd)} />
      </div>
    </>
  )
}

function Breakdowns({ stats: s, onAgent }: { stats: Stats; onAgent: (agent: string) => void }) {
  const environment = useEnvironment()
  const eventsLink = (key: 'model' | 'service') => (name: string) => (
    <Link
      href={hrefWithEnv('/events', environment, { [key]: name })}
      title={`Events of ${key} ${name}`}
    >
      {name}
    </Link>
  )
  return (
    <div className="stats-breakdowns">
      <StatsBreakdown
        title="By agent"
        column="Agent"
        rows={s.by_agent.map((r) => ({ ...r, name: r.agent }))}
        nameCell={(name) => (
          <button
            type="button"
            className="cell-link"
            onClick={() => onAgent(name)}
            title={`Only ${name}`}
          >
            {name}
          </button>
        )}
      />
      <StatsBreakdown
        title="By model"
        column="Model"
        rows={s.by_model.map((r) => ({ ...r, name: r.model }))}
        nameCell={eventsLink('model')}
      />
      <StatsBreakdown
        title="By service"
        column="Service"
        rows={s.by_service.map((r) => ({ ...r, name: r.service }))}
        nameCell={eventsLink('service')}
      />
    </div>
  )
}
