import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api } from '../../api/client'
import { JsonText } from '../../components/json-text'
import { EmptyState, ErrorBox, Loading } from '../../components/page'
import { formatAgo, formatTime, formatUsd } from '../../lib/format'
import { useUrlState } from '../../lib/url-state'
import type { ApprovalRequest } from './control-types'
import { ScopedButton } from '../../components/scope-gate'
import { useLiveInvalidate } from './use-live-invalidate'

const STATUSES = ['pending', 'approved', 'denied', 'expired'] as const
/**
 * A request and a decision are each recorded as an event, so their `event.new` frames refresh the
 * list at once; polling (default 5 s) covers what sends no frame: a request expiring, and a stream
 * that is reconnecting.
 */
const POLL_MS = 5000
/** The most requests the API lists at once (it has no cursor): the newest. */
const LIMIT = 200

/** Approval requests: the waiting ones with approve and deny (`approve` scope), and the decided. */
export function ApprovalsPanel({ environment }: { environment: string | undefined }) {
  const client = useQueryClient()
  const [params, set] = useUrlState()
  // A notification links to one request (`?approval=<id>`): show the list it is in, marked.
  const linked = useQuery({
    queryKey: ['approvals', 'one', params.approval],
    queryFn: () =>
      api<ApprovalRequest>(`/api/v1/approvals/${encodeURIComponent(params.approval!)}`),
    enabled: Boolean(params.approval),
  })
  const status = (STATUSES as readonly string[]).includes(params.status ?? '')
    ? params.status!
    : (linked.data?.status ?? 'pending')
  const approvals = useQuery({
    queryKey: ['approvals', status, environment],
    queryFn: () =>
      api<{ approvals: ApprovalRequest[] }>('/api/v1/approvals', {
        query: { status, environment, limit: LIMIT },
      }),
    refetchInterval: POLL_MS,
  })
  useLiveInvalidate([['approvals']], (f) => f.type === 'event.new', 500)
  const decide = useMutation({
    mutationFn: ({ id, decision }: { id: string; decision: 'approved' | 'denied' }) =>
      api(`/api/v1/approvals/${encodeURIComponent(id)}`, {
        method: 'PATCH',
        body: { status: decision },
      }),
    onSettled: () => client.invalidateQueries({ queryKey: ['approvals'] }),
  })
  const rows = approvals.data?.approvals ?? []
  return (
    <>
      <div className="section-head">
        <p className="muted">
          A require_approval policy holds matching actions here; the agent waiting on one goes on as
          soon as it is approved. Unanswered requests expire.
        </p>
        <label className="row-actions">
          <span className="muted">Show</span>
          <select value={status} onChange={(e) => set({ status: e.target.value })}>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorBox error={decide.error} />
      <ErrorBox error={linked.error} />
      {approvals.isPending ? (
        <Loading what="Loading approvals" />
      ) : approvals.error ? (
        <ErrorBox error={approvals.error} />
      ) : rows.length === 0 ? (
        <EmptyState
          title={status === 'pending' ? 'Nothing is waiting for approval' : `No ${status} requests`}
        >
          <p>
            {status === 'pending'
              ? 'Requests appear here the moment an agent hits a require_approval policy (create one under Policies).'
              : 'Choose another status to see other requests.'}
          </p>
        </EmptyState>
      ) : (
        <section className="panel table-panel">
          <table className="simple" aria-label={`Approval requests, ${status}`}>
            <thead>
              <tr>
                <th scope="col">Requested</th>
                <th scope="col">Agent</th>
                <th scope="col">Service · action</th>
                <th scope="col" className="right">
                  Cost
                </th>
                <th scope="col">Input</th>
                <th scope="col">{status === 'pending' ? 'Expires' : 'Decided'}</th>
                <th scope="col">{status === 'pending' ? 'Decision' : 'Status'}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((a) => (
                <tr
                  key={a.id}
                  className={a.id === params.approval ? 'selected' : undefined}
                  aria-current={a.id === params.approval ? 'true' : undefined}
                >
                  <td title={formatTime(a.requested_at)}>{formatAgo(a.requested_at)}</td>
                  <td>
                    {a.agent_name} <span className="muted">({a.environment})</span>
                  </td>
                  <td>{[a.service, a.action].filter(Boolean).join(' · ') || '—'}</td>
                  <td className="right">
                    {a.cost_cents === null ? '—' : formatUsd(a.cost_cents / 100)}
                  </td>
                  <td>
                    {a.input === null || a.input === undefined ? (
                      <span className="muted">none</span>
                    ) : (
                      <JsonText value={a.input} label={`Input of request ${a.id}`} />
                    )}
                  </td>
                  <td title={formatTime(status === 'pending' ? a.expires_at : a.decided_at)}>
                    {status === 'pending' ? formatAgo(a.expires_at) : formatAgo(a.decided_at)}
                    {a.decided_by_name ? <div className="muted">by {a.decided_by_name}</div> : null}
                  </td>
                  <td>
                    {a.status === 'pending' ? (
                      <div className="row-actions">
                        <ScopedButton
                          scope="approve"
                          className="primary"
                          disabled={decide.isPending}
                          onClick={() => decide.mutate({ id: a.id, decision: 'approved' })}
                          aria-label={`Approve ${a.agent_name} ${a.service ?? ''} ${a.action ?? ''}`.trim()}
                        >
                          Approve
                        </ScopedButton>
                        <ScopedButton
                          scope="approve"
                          disabled={decide.isPending}
                          onClick={() => decide.mutate({ id: a.id, decision: 'denied' })}
                          aria-label={`Deny ${a.agent_name} ${a.service ?? ''} ${a.action ?? ''}`.trim()}
                        >
                          Deny
                        </ScopedButton>
                      </div>
                    ) : (
                      <span className={`badge ${a.status}`}>{a.status}</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {rows.length >= LIMIT ? (
            <p className="muted">The newest {LIMIT} are shown; narrow by environment.</p>
          ) : null}
        </section>
      )}
    </>
  )
}
