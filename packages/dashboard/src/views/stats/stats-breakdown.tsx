import type { ReactNode } from 'react'
import { EmptyState } from '../../components/page'
import { formatNumber, formatPercent, formatUsd } from '../../lib/format'

/** One row of a breakdown: a name (null = events without one) and its counts. */
export interface BreakdownRow {
  name: string | null
  events: number
  errors: number
  tokens_total: number
  cost_usd: number
}

/**
 * A breakdown as a table: events (with a bar against the largest), error rate, tokens and cost.
 * `nameCell` renders the name, so a view can make it a filter or a link.
 */
export function StatsBreakdown({
  title,
  column,
  rows,
  nameCell,
}: {
  title: string
  column: string
  rows: readonly BreakdownRow[]
  nameCell: (name: string) => ReactNode
}) {
  const max = Math.max(1, ...rows.map((r) => r.events))
  return (
    <section className="panel" aria-labelledby={`breakdown-${column}`}>
      <h2 id={`breakdown-${column}`}>{title}</h2>
      {rows.length === 0 ? (
        <EmptyState title="Nothing in this range" />
      ) : (
        <table className="simple" aria-label={title}>
          <thead>
            <tr>
              <th scope="col">{column}</th>
              <th scope="col" className="right">
                Events
              </th>
              <th scope="col" className="right">
                Error rate
              </th>
              <th scope="col" className="right">
                Tokens
              </th>
              <th scope="col" className="right">
                Cost
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.name ?? '(none)'}>
                <td>
                  {r.name === null ? <span className="muted">(none)</span> : nameCell(r.name)}
                  <div className="bar" aria-hidden="true">
                    <div className="bar-fill" style={{ width: `${(r.events / max) * 100}%` }} />
                  </div>
                </td>
                <td className="right">{formatNumber(r.events)}</td>
                <td className="right">{formatPercent(r.events ? r.errors / r.events : 0)}</td>
                <td className="right">{formatNumber(r.tokens_total)}</td>
                <td className="right">{formatUsd(r.cost_usd)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
