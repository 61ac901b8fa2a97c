import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api } from '../../api/client'
import type { Alert } from '../../api/types'
import { JsonText } from '../../components/json-text'
import { EmptyState, ErrorBox, Loading } from '../../components/page'
import { formatAgo, formatTime } from '../../lib/format'
import { useUrlState } from '../../lib/url-state'
import { ScopedButton } from '../../components/scope-gate'
import { useLiveInvalidate } from '../control/use-live-invalidate'

const LIMIT = 200

/**
 * Alerts, newest first (`GET /api/v1/alerts`): firing or resolved (`?state=`), acknowledged ones
 * too with `?all=true`. Each shows its history; acknowledging needs the `control` scope.
 */
export function AlertList({ environment }: { environment: string | undefined }) {
  const client = useQueryClient()
  const [params, set] = useUrlState()
  const state = params.state === 'firing' || params.state === 'resolved' ? params.state : ''
  const all = params.all === 'true'
  const alerts = useQuery({
    queryKey: ['alerts', 'list', state, all, environment],
    queryFn: () =>
      api<{ alerts: Alert[] }>('/api/v1/alerts', {
        query: { state, all: all ? 'true' : undefined, environment, limit: LIMIT },
      }),
  })
  useLiveInvalidate([['alerts']], (f) => f.type === 'alert.new', 500)
  const acknowledge = useMutation({
    mutationFn: async (which: { id: string } | { all: true } | { ids: string[] }) => {
      if (!('ids' in which))
        return api('/api/v1/alerts/acknowledge', { method: 'POST', body: which })
      for (const id of which.ids)
        await api('/api/v1/alerts/acknowledge', { method: 'POST', body: { id } })
    },
    onSettled: () => client.invalidateQueries({ queryKey: ['alerts'] }),
  })
  const rows = alerts.data?.alerts ?? []
  const unacknowledged = rows.filter((a) => !a.acknowledged).map((a) => a.id)
  const open = unacknowledged.length
  // `{all: true}` acknowledges every open alert of the org; with a filter on, only the listed ones.
  const filtered = Boolean(state || environment)
  return (
    <>
      <div className="toolbar">
        <label className="field">
          <span>State</span>
          <select value={state} onChange={(e) => set({ state: e.target.value })}>
            <option value="">Firing and resolved</option>
            <option value="firing">Firing</option>
            <option value="resolved">Resolved</option>
          </select>
        </label>
        <label className="check-field">
          <input
            type="checkbox"
            checked={all}
            onChange={(e) => set({ all: e.target.checked ? 'true' : null })}
          />
          Include acknowledged
        </label>
        <div className="page-actions">
          <ScopedButton
            scope="control"
            disabled={open === 0 || acknowledge.isPending}
            title={open === 0 ? 'Nothing to acknowledge' : undefined}
            onClick={() => acknowledge.mutate(filtered ? { ids: unacknowledged } : { all: true })}
          >
            {filtered ? `Acknowledge these ${open}` : 'Acknowledge all'}
          </ScopedButton>
        </div>
      </div>
      <ErrorBox error={acknowledge.error} />
      {alerts.isPending ? (
        <Loading what="Loading alerts" />
      ) : alerts.error ? (
        <ErrorBox error={alerts.error} />
      ) : rows.length === 0 ? (
        <EmptyState title={all ? 'No alerts' : 'No open alerts'}>
          <p>
            {all
              ? 'Alerts appear here when a rule fires, a budget fills up or an agent is killed. Rules are under the Rules tab.'
              : 'Everything is acknowledged. Tick Include acknowledged to see the history.'}
          </p>
        </EmptyState>
      ) : (
        <section className="panel table-panel">
          {rows.length >= LIMIT ? (
            <p className="muted">The newest {LIMIT} are shown; narrow by state or environment.</p>
          ) : null}
          <table className="simple" aria-label="Alerts">
            <thead>
              <tr>
                <th scope="col">Severity</th>
                <th scope="col">State</th>
                <th scope="col">Alert</th>
                <th scope="col">Agent</th>
                <th scope="col">Raised</th>
                <th scope="col">Acknowledged</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((a) => (
                <tr key={a.id}>
                  <td>
                    <span className={`badge ${a.severity}`}>{a.severity}</span>
                  </td>
                  <td>
                    <span className={`badge ${a.state}`}>{a.state}</span>
                  </td>
                  <td>
                    <div>{a.message}</div>
                    <details>
                      <summary className="muted">
                        {a.alert_type}
                        {a.history.length > 0 ? ` · history (${a.history.length})` : ' · details'}
                      </summary>
                      {a.history.length > 0 ? (
                        <ol className="history" aria-label={`History of alert ${a.id}`}>
                          {a.history.map((h, i) => (
                            <li key={i}>
                              {formatTime(h.at)}: {h.state} ({h.severity})
                              {h.value === null ? '' : `, value ${h.value}`}
                            </li>
                          ))}
                        </ol>
                      ) : null}
                      {Object.keys(a.metadata).length > 0 ? (
                        <JsonText value={a.metadata} label={`Details of alert ${a.id}`} />
                      ) : null}
                    </details>
                  </td>
                  <td>
                    {a.agent_name ?? <span className="muted">—</span>}{' '}
                    <span className="muted">({a.environment})</span>
                  </td>
                  <td title={formatTime(a.created_at)}>
                    {formatAgo(a.created_at)}
                    {a.resolved_at ? (
                      <div className="muted">resolved {formatAgo(a.resolved_at)}</div>
                    ) : null}
                  </td>
                  <td>
                    {a.acknowledged ? (
                      <span title={formatTime(a.acknowledged_at)}>
                        {formatAgo(a.acknowledged_at)}
                      </span>
                    ) : (
                      <ScopedButton
                        scope="control"
                        disabled={acknowledge.isPending}
                        onClick={() => acknowledge.mutate({ id: a.id })}
                        aria-label={`Acknowledge: ${a.message}`}
                      >
                        Acknowledge
                      </ScopedButton>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </>
  )
}
