import { useQuery } from '@tanstack/react-query'
import { api, withQuery } from '../../api/client'
import type { Stats } from '../../api/types'
import { EmptyState, ErrorBox, Loading } from '../../components/page'
import { formatNumber, formatUsd } from '../../lib/format'

const DAY_MS = 86_400_000
/** How far back the day list reaches: the daily rollups answer any range at the same cost. */
const DAYS_BACK = 180

/** One UTC day with activity: its name, bounds and counts. */
export interface ActivityDay {
  date: string
  from: string
  to: string
  events: number
  errors: number
  cost_usd: number
}

/** The UTC days with at least one event, newest first, from a daily stats series. */
export function activityDays(stats: Pick<Stats, 'series'>): ActivityDay[] {
  return stats.series
    .filter((p) => p.events > 0)
    .map((p) => {
      const start = Date.parse(p.start)
      return {
        date: new Date(start).toISOString().slice(0, 10),
        from: new Date(start).toISOString(),
        to: new Date(start + DAY_MS).toISOString(),
        events: p.events,
        errors: p.errors,
        cost_usd: p.cost_usd,
      }
    })
    .reverse()
}

/**
 * The agent's days of activity (Wiro's `LogsList`) with a download of each day (Wiro's `LogsFile`).
 * The days come from `GET /api/v1/stats?bucket=day`; a day downloads as every event in JSON Lines
 * (`GET /api/v1/events?format=jsonl`, streamed, no row cap) or as AgentLedger's CSV export
 * (`GET /api/v1/export`, up to 10,000 rows). Plain links: the browser sends the session cookie.
 */
export function AgentDays({ name, environment }: { name: string; environment?: string }) {
  const days = useQuery({
    queryKey: ['stats', 'agent-days', name, environment],
    queryFn: () =>
      api<Stats>('/api/v1/stats', {
        query: { agent: name, environment, bucket: 'day', days: DAYS_BACK },
      }),
    select: activityDays,
  })
  return (
    <section className="panel table-panel" aria-labelledby="agent-days-title">
      <h2 id="agent-days-title">Days of activity</h2>
      <p className="muted">
        Each UTC day this agent was active in the last {DAYS_BACK} days
        {environment ? ` in ${environment}` : ''}, with its events to download.
      </p>
      {days.isPending ? (
        <Loading what="Loading days" />
      ) : days.error ? (
        <ErrorBox error={days.error} />
      ) : days.data.length === 0 ? (
        <EmptyState title="No activity in the last 180 days">
          <p>Days appear here once the agent sends events.</p>
        </EmptyState>
      ) : (
        <table className="simple days-list" aria-label={`Days of activity of ${name}`}>
          <thead>
            <tr>
              <th scope="col">Day (UTC)</th>
              <th scope="col" className="right">
                Events
              </th>
              <th scope="col" className="right">
                Errors
              </th>
              <th scope="col" className="right">
                Cost
              </th>
              <th scope="col">Download</th>
            </tr>
          </thead>
          <tbody>
            {days.data.map((d) => {
              const range = { agent: name, environment, from: d.from, to: d.to }
              return (
                <tr key={d.date}>
                  <td className="mono">{d.date}</td>
                  <td className="right">{formatNumber(d.events)}</td>
                  <td className="right">{formatNumber(d.errors)}</td>
                  <td className="right">{formatUsd(d.cost_usd)}</td>
                  <td>
                    <div className="row-actions">
                      <a
                        href={withQuery('/api/v1/events', { ...range, format: 'jsonl' })}
                        download={`${name}-${d.date}.jsonl`}
                        aria-label={`Download ${d.date} as JSON Lines`}
                      >
                        JSONL
                      </a>
                      <a
                        href={withQuery('/api/v1/export', {
                          ...range,
                          format: 'csv',
                          limit: 10_000,
                        })}
                        download={`${name}-${d.date}.csv`}
                        aria-label={`Download ${d.date} as CSV`}
                      >
                        CSV
                      </a>
                    </div>
                  </td>
                </tr>
              )
            })}
          </tbody>
        </table>
      )}
    </section>
  )
}
