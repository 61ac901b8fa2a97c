import { useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { api } from '../../api/client'
import { JsonText } from '../../components/json-text'
import { EmptyState, ErrorBox, Loading } from '../../components/page'
import { formatAgo, formatTime } from '../../lib/format'
import type { Gate } from '../../components/scope-gate'
import { deliveryOutcome, useDeliveries } from './use-deliveries'

/**
 * A subscription's delivery log: status, attempts, response code and time per delivery, each
 * attempt on request, and redeliver (admin). Pages by cursor with "Older deliveries".
 */
export function DeliveryLog({
  resource,
  id,
  gate,
}: {
  resource: 'webhooks' | 'notifications'
  id: string
  gate: Gate
}) {
  const log = useDeliveries(resource, id)
  const client = useQueryClient()
  const [open, setOpen] = useState<string>()
  const [error, setError] = useState<unknown>()
  const redeliver = async (deliveryId: string) => {
    setError(undefined)
    try {
      await api(
        `/api/v1/${resource}/${encodeURIComponent(id)}/deliveries/${encodeURIComponent(deliveryId)}/redeliver`,
        { method: 'POST' },
      )
      await client.invalidateQueries({ queryKey: [resource, id, 'deliveries'] })
    } catch (e) {
      setError(e)
    }
  }
  if (log.isPending) return <Loading what="Loading deliveries" />
  if (log.error) return <ErrorBox error={log.error} />
  const rows = log.data.pages.flatMap((p) => p.deliveries)
  if (rows.length === 0)
    return (
      <EmptyState title="No deliveries yet">
        <p>
          Deliveries appear here when a subscribed event happens. Press “Send test” to send one now
          and see the receiver’s answer.
        </p>
      </EmptyState>
    )
  return (
    <div>
      <ErrorBox error={error} />
      <table className="simple" aria-label="Deliveries">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Event</th>
            <th scope="col">Status</th>
            <th scope="col" className="right">
              Attempts
            </th>
            <th scope="col" className="right">
              Response
            </th>
            <th scope="col">Outcome</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((d) => (
            <tr key={d.id}>
              <td title={formatTime(d.created_at)}>{formatAgo(d.created_at)}</td>
              <td className="mono">{d.event}</td>
              <td>
                <span
                  className={`badge ${d.status === 'delivered' ? 'success' : d.status === 'failed' ? 'error' : 'pending'}`}
                >
                  {d.status}
                </span>
              </td>
              <td className="right">{d.attempts}</td>
              <td className="right">{d.last_status ?? '—'}</td>
              <td>
                {deliveryOutcome(d)}
                {open === d.id ? (
                  <JsonText value={d.attempts_log} label={`Attempts of delivery ${d.id}`} />
                ) : null}
              </td>
              <td className="row-actions">
                <button
                  type="button"
                  aria-expanded={open === d.id}
                  onClick={() => setOpen(open === d.id ? undefined : d.id)}
                >
                  {open === d.id ? 'Hide attempts' : 'Attempts'}
                </button>
                <button
                  type="button"
                  disabled={!gate.allowed || d.status === 'pending'}
                  title={
                    gate.reason ?? (d.status === 'pending' ? 'Still being delivered' : undefined)
                  }
                  onClick={() => void redeliver(d.id)}
                >
                  Redeliver
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {log.hasNextPage ? (
        <button
          type="button"
          disabled={log.isFetchingNextPage}
          onClick={() => void log.fetchNextPage()}
        >
          {log.isFetchingNextPage ? 'Loading…' : 'Older deliveries'}
        </button>
      ) : null}
    </div>
  )
}
