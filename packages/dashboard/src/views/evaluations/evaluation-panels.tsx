import { useSession } from '../../api/session'
import { EmptyState } from '../../components/page'
import { formatNumber } from '../../lib/format'
import { Score } from './evaluation-table'

/** Mean score per agent, best first; a name filters the view by it. */
export function ByAgent({
  byAgent,
  onAgent,
}: {
  byAgent: Record<string, number | null>
  onAgent: (agent: string) => void
}) {
  const rows = Object.entries(byAgent).sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))
  return (
    <section className="panel">
      <h2>Mean score by agent</h2>
      <table className="simple" aria-label="Mean score by agent">
        <thead>
          <tr>
            <th scope="col">Agent</th>
            <th scope="col">Mean score</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([name, avg]) => (
            <tr key={name}>
              <td>
                <button
                  type="button"
                  className="cell-link"
                  onClick={() => onAgent(name)}
                  title={`Only ${name}`}
                >
                  {name}
                </button>
              </td>
              <td>{avg === null ? '—' : <Score score={avg} />}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}

/** Evaluations per label, most first; a label filters the view by it. */
export function ByLabel({
  byLabel,
  onLabel,
}: {
  byLabel: Record<string, number>
  onLabel: (label: string) => void
}) {
  const rows = Object.entries(byLabel).sort((a, b) => b[1] - a[1])
  const total = rows.reduce((n, [, c]) => n + c, 0)
  return (
    <section className="panel">
      <h2>Evaluations by label</h2>
      {rows.length === 0 ? (
        <p className="muted">No evaluation in this window has a label.</p>
      ) : (
        <table className="simple" aria-label="Evaluations by label">
          <thead>
            <tr>
              <th scope="col">Label</th>
              <th scope="col" className="right">
                Evaluations
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map(([name, count]) => (
              <tr key={name}>
                <td>
                  <button
                    type="button"
                    className="cell-link"
                    onClick={() => onLabel(name)}
                    title={`Only ${name}`}
                  >
                    {name}
                  </button>
                  <div className="bar" aria-hidden="true">
                    <div
                      className="bar-fill"
                      style={{ width: `${(count / Math.max(1, total)) * 100}%` }}
                    />
                  </div>
                </td>
                <td className="right">{formatNumber(count)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}

/** How to send the first evaluation: the API call and the SDK's `evaluate()`. */
export function NoEvaluations({ filtered }: { filtered: boolean }) {
  const base = useSession().data?.base_url ?? window.location.origin
  return (
    <EmptyState
      title={filtered ? 'No evaluation matches these filters in this window' : 'No evaluations yet'}
    >
      <p>
        Score an event from 0 to 100, with an optional label and feedback, from your agent or a
        reviewer, with a key that has the ingest scope. With the SDK:
      </p>
      <pre className="code evaluation-hint" tabIndex={0}>
        {`await trail.evaluate(eventId, { score: 85, label: 'correct', feedback: 'Accurate' })`}
      </pre>
      <p>Or with the API:</p>
      <pre className="code evaluation-hint" tabIndex={0}>
        {`curl -s -X POST ${base}/api/v1/evaluations \\
  -H "Authorization: Bearer $AGENTTRAIL_API_KEY" -H "content-type: application/json" \\
  -d '{"event_id": "<an event id>", "score": 85, "label": "correct"}'`}
      </pre>
    </EmptyState>
  )
}
