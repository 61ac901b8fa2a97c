import { useQuery } from '@tanstack/react-query'
import { Link } from 'wouter'
import { api } from '../../api/client'
import { EmptyState, ErrorBox, Loading } from '../../components/page'
import { formatDuration, formatNumber, formatPercent, formatUsd } from '../../lib/format'
import { hrefWithEnv } from '../../lib/url-state'
import type { Baseline, BaselineMetric } from './alert-types'
import { READY_AFTER } from './alert-types'

/** The metrics in the order shown, each with how its figures read. */
const METRICS: { id: string; label: string; format: (v: number) => string }[] = [
  {
    id: 'actions_per_hour',
    label: 'Actions / hour',
    format: (v) => formatNumber(Math.round(v * 10) / 10),
  },
  { id: 'error_rate', label: 'Error rate', format: (v) => formatPercent(v) },
  { id: 'denied_rate', label: 'Denied rate', format: (v) => formatPercent(v) },
  { id: 'cost_per_action', label: 'Cost / action', format: (v) => formatUsd(v) },
  { id: 'duration_per_action', label: 'Duration / action', format: (v) => formatDuration(v) },
]

function Figure({
  metric,
  format,
}: {
  metric: BaselineMetric | undefined
  format: (v: number) => string
}) {
  if (!metric) return <span className="muted">—</span>
  return (
    <span title={`median ${format(metric.median)}, from ${metric.samples} sample hours`}>
      {format(metric.mean)} <span className="muted">± {format(metric.stddev)}</span>
    </span>
  )
}

/**
 * The anomaly baselines of the hour running now (`GET /api/v1/baselines`), per environment and
 * agent: still learning (with how far along) or ready, and each metric's mean ± standard deviation.
 */
export function BaselinesPanel({ environment }: { environment: string | undefined }) {
  const baselines = useQuery({
    queryKey: ['baselines', environment],
    queryFn: () => api<{ baselines: Baseline[] }>('/api/v1/baselines', { query: { environment } }),
  })
  if (baselines.isPending) return <Loading what="Loading baselines" />
  if (baselines.error) return <ErrorBox error={baselines.error} />
  const rows = baselines.data.baselines
  if (rows.length === 0)
    return (
      <EmptyState title="No baselines yet">
        <p>
          A baseline is learnt for each agent active in the last four weeks; anomaly alerts start
          once it has {READY_AFTER.actions} actions on {READY_AFTER.days} different days.
        </p>
      </EmptyState>
    )
  return (
    <section className="panel table-panel">
      <p className="muted">
        For the UTC hour running now ({rows[0]?.hour.slice(11, 16)}), from the same hour of earlier
        weeks, or of the last 7 days when there are fewer than 3 weeks of history. Mean ± standard
        deviation; hover a figure for its median and sample size.
      </p>
      <table className="simple" aria-label="Baselines">
        <thead>
          <tr>
            <th scope="col">Agent</th>
            <th scope="col">Environment</th>
            <th scope="col">State</th>
            {METRICS.map((m) => (
              <th key={m.id} scope="col">
                {m.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((b) => (
            <tr key={`${b.environment}\u0000${b.agent}`}>
              <td>
                <Link href={hrefWithEnv(`/agents/${encodeURIComponent(b.agent)}`, b.environment)}>
                  {b.agent}
                </Link>
              </td>
              <td>{b.environment}</td>
              <td>
                <span className={`badge ${b.status === 'ready' ? 'good' : 'warn'}`}>
                  {b.status}
                </span>
                {b.status === 'learning' ? (
                  <div className="learning-progress muted">
                    {formatNumber(Math.min(b.history.actions, READY_AFTER.actions))}/
                    {READY_AFTER.actions} actions, {Math.min(b.history.days, READY_AFTER.days)}/
                    {READY_AFTER.days} days
                  </div>
                ) : (
                  <div className="learning-progress muted">
                    {b.method === 'hour_of_week' ? 'same hour, past weeks' : 'same hour, past days'}
                  </div>
                )}
              </td>
              {METRICS.map((m) => (
                <td key={m.id}>
                  <Figure metric={b.metrics[m.id]} format={m.format} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}
