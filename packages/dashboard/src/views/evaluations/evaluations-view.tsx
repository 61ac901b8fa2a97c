import { useQuery } from '@tanstack/react-query'
import { useMemo } from 'react'
import { api } from '../../api/client'
import { Chart } from '../../components/chart'
import { EmptyState, ErrorBox, Loading, Page, StatCard } from '../../components/page'
import { formatNumber } from '../../lib/format'
import { useEnvironment, useUrlState } from '../../lib/url-state'
import { FilterSelect, useAgentNames } from '../conversations/filter-controls'
import { useLiveRefresh } from '../conversations/use-live-refresh'
import '../stats/stats.css'
import { evaluationCharts } from './evaluation-charts'
import { ByAgent, ByLabel, NoEvaluations } from './evaluation-panels'
import { EvaluationTable } from './evaluation-table'
import type { Evaluation, EvaluationStats } from './evaluation-types'
import './evaluations.css'

const WINDOWS = [7, 30, 90] as const
const LIST_LIMIT = 200

/**
 * Evaluations: the mean score over time, by agent and by label, and the latest evaluations with
 * links to the events they score. Window, agent and label live in the URL.
 */
export default function EvaluationsView() {
  const environment = useEnvironment()
  const [params, set] = useUrlState()
  const days = WINDOWS.find((d) => String(d) === params.days) ?? 30
  const agent = params.agent
  const label = params.label
  const statsQuery = (withLabel: string | undefined) => ({
    queryKey: ['evaluations', 'stats', days, agent, withLabel, environment],
    queryFn: ({ signal }: { signal: AbortSignal }) =>
      api<EvaluationStats>('/api/v1/evaluations/stats', {
        query: { days, agent, label: withLabel, environment },
        signal,
      }),
  })
  const stats = useQuery(statsQuery(label))
  // The label choices come from every label; without a label filter this is the same query.
  const allLabels = useQuery(statsQuery(undefined))
  const from = stats.data?.from
  const list = useQuery({
    queryKey: ['evaluations', 'list', from, agent, label, environment],
    enabled: from !== undefined,
    queryFn: ({ signal }) =>
      api<{ evaluations: Evaluation[] }>('/api/v1/evaluations', {
        query: { from, agent, label, environment, limit: LIST_LIMIT },
        signal,
      }),
  })
  // A new evaluation is recorded in the trail as an audit event `evaluation.created`.
  useLiveRefresh(
    ['evaluations'],
    (f) => f.type === 'event.new' && f.data.action === 'evaluation.created',
  )
  const agents = useAgentNames(environment)
  const charts = useMemo(() => (stats.data ? evaluationCharts(stats.data) : null), [stats.data])
  const labels = Object.keys(allLabels.data?.byLabel ?? {}).sort()

  return (
    <Page title="Evaluations">
      <form className="toolbar" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
        <FilterSelect
          label="Window"
          value={String(days)}
          options={WINDOWS.map(String)}
          optionLabel={(d) => `Last ${d} days`}
          onChange={(d) => set({ days: d === '30' ? null : d })}
        />
        <FilterSelect
          label="Agent"
          value={agent}
          options={agents}
          anyLabel="All agents"
          onChange={(v) => set({ agent: v })}
        />
        <FilterSelect
          label="Label"
          value={label}
          options={labels}
          anyLabel="All labels"
          onChange={(v) => set({ label: v })}
        />
      </form>
      {stats.isPending ? (
        <Loading what="Loading evaluations" />
      ) : stats.error ? (
        <ErrorBox error={stats.error} />
      ) : stats.data.totalEvaluations === 0 ? (
        <NoEvaluations filtered={Boolean(agent || label)} />
      ) : (
        <>
          <div className="cards">
            <StatCard label="Mean score" value={stats.data.avgScore ?? '—'} sub="out of 100" />
            <StatCard
              label="Evaluations"
              value={formatNumber(stats.data.totalEvaluations)}
              sub={`last ${days} days`}
            />
            <StatCard
              label="Agents scored"
              value={formatNumber(Object.keys(stats.data.byAgent).length)}
            />
            <StatCard label="Labels" value={formatNumber(Object.keys(stats.data.byLabel).length)} />
          </div>
          {charts ? (
            <div className="stats-charts">
              <section className="panel">
                <h2>Mean score per day</h2>
                <Chart
                  x={charts.x}
                  series={charts.score}
                  label="Mean evaluation score per day"
                  height={180}
                />
              </section>
              <section className="panel">
                <h2>Evaluations per day</h2>
                <Chart
                  x={charts.x}
                  series={charts.count}
                  label="Evaluations per day"
                  height={180}
                />
              </section>
            </div>
          ) : null}
          <div className="stats-charts">
            <ByAgent
              byAgent={stats.data.byAgent}
              onAgent={(a) => set({ agent: a }, { push: true })}
            />
            <ByLabel
              byLabel={stats.data.byLabel}
              onLabel={(l) => set({ label: l }, { push: true })}
            />
          </div>
          <section className="panel" aria-labelledby="recent-title">
            <h2 id="recent-title">
              Latest evaluations
              {label ? <span className="muted small"> labelled {label}</span> : null}
            </h2>
            {list.error ? (
              <ErrorBox error={list.error} />
            ) : list.isPending ? (
              <Loading what="Loading the latest evaluations" />
            ) : list.data.evaluations.length === 0 ? (
              <EmptyState title="No evaluation matches these filters" />
            ) : (
              <>
                <EvaluationTable rows={list.data.evaluations} />
                {list.data.evaluations.length === LIST_LIMIT ? (
                  <p className="muted small">
                    The latest {LIST_LIMIT} are shown; narrow the filters to see older ones.
                  </p>
                ) : null}
              </>
            )}
          </section>
        </>
      )}
    </Page>
  )
}
