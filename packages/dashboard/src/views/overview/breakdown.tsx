import { Link } from 'wouter'
import { EmptyState } from '../../components/page'
import { formatNumber, formatPercent, formatUsd } from '../../lib/format'
import { hrefWithEnv, useEnvironment } from '../../lib/url-state'

interface Row {
  name: string | null
  events: number
  errors: number
  cost_usd: number
}

/** Events, error rate and cost per service or model; a name opens Events filtered by it. */
export function Breakdown({
  title,
  rows,
  filterKey,
}: {
  title: string
  rows: Row[]
  filterKey: 'service' | 'model'
}) {
  const environment = useEnvironment()
  const max = Math.max(1, ...rows.map((r) => r.events))
  return (
    <section className="panel">
      <h2>{title}</h2>
      {rows.length === 0 ? (
        <EmptyState title="Nothing in the last 24 hours" />
      ) : (
        <table className="simple">
          <thead>
            <tr>
              <th scope="col">{filterKey === 'service' ? 'Service' : 'Model'}</th>
              <th scope="col" className="right">
                Events
              </th>
              <th scope="col" className="right">
                Errors
              </th>
              <th scope="col" className="right">
                Cost
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.slice(0, 12).map((r) => (
              <tr key={r.name ?? '(none)'}>
                <td>
                  {r.name === null ? (
                    <span className="muted">(none)</span>
                  ) : (
                    <Link href={hrefWithEnv('/events', environment, { [filterKey]: r.name })}>
                      {r.name}
                    </Link>
                  )}
                  <div className="bar" aria-hidden="true">
                    <div className="bar-fill" style={{ width: `${(r.events / max) * 100}%` }} />
                  </div>
                </td>
                <td className="right">{formatNumber(r.events)}</td>
                <td className="right">{formatPercent(r.events ? r.errors / r.events : 0)}</td>
                <td className="right">{formatUsd(r.cost_usd)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
