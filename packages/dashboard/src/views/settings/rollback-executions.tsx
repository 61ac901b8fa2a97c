import { useQuery } from '@tanstack/react-query'
import { api } from '../../api/client'
import { EmptyState, ErrorBox, Loading } from '../../components/page'
import { formatAgo, formatTime } from '../../lib/format'
import { useUrlState } from '../../lib/url-state'
import type { RollbackExecution, RollbackHook } from './settings-types'

const LIMITS = [50, 100, 200]

/**
 * The log of rollback hook calls, newest first, one row per attempt (the API offers the latest
 * 50 to 200, kept 30 days; `?executions=` in the URL chooses how many).
 */
export function RollbackExecutions({ hooks }: { hooks: RollbackHook[] }) {
  const [params, setParams] = useUrlState()
  const limit = LIMITS.includes(Number(params.executions)) ? Number(params.executions) : 50
  const log = useQuery({
    queryKey: ['rollback-hooks', 'executions', limit],
    queryFn: () =>
      api<{ executions: RollbackExecution[] }>('/api/v1/rollback-hooks/executions', {
        query: { limit },
      }),
  })
  const urlOf = new Map(hooks.map((h) => [h.id, h.url]))
  return (
    <section className="panel" aria-labelledby="executions-title">
      <div className="section-head">
        <h2 id="executions-title">Calls</h2>
        <label className="inline-field">
          <span>Show the latest</span>
          <select
            value={limit}
            onChange={(e) =>
              setParams({ executions: e.target.value === '50' ? null : e.target.value })
            }
          >
            {LIMITS.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
      </div>
      {log.isPending ? (
        <Loading what="Loading calls" />
      ) : log.error ? (
        <ErrorBox error={log.error} />
      ) : log.data.executions.length === 0 ? (
        <EmptyState title="No calls yet">
          <p>A hook is called when an agent it covers is killed or its budget is exceeded.</p>
        </EmptyState>
      ) : (
        <table className="simple" aria-label="Rollback hook calls">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Hook</th>
              <th scope="col">Trigger</th>
              <th scope="col">Result</th>
              <th scope="col" className="right">
                Response
              </th>
              <th scope="col" className="right">
                Duration
              </th>
            </tr>
          </thead>
          <tbody>
            {log.data.executions.map((x) => (
              <tr key={x.id}>
                <td title={formatTime(x.created_at)}>{formatAgo(x.created_at)}</td>
                <td className="mono wrap">{urlOf.get(x.rollback_hook_id) ?? x.rollback_hook_id}</td>
                <td className="mono">{x.trigger_reason}</td>
                <td>
                  <span className={`badge ${x.success ? 'success' : 'error'}`}>
                    {x.success ? 'ok' : 'failed'}
                  </span>
                  {x.error ? <span className="muted"> {x.error}</span> : null}
                </td>
                <td className="right">{x.response_status ?? '—'}</td>
                <td className="right">{x.duration_ms} ms</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
