import { useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import type { Gate } from '../../components/scope-gate'
import { formatAgo, formatTime } from '../../lib/format'
import { ActiveBadge } from './settings-kit'

/**
 * A section's row actions as one runner: clears the last error, does the work, refreshes the
 * list under `queryKey`, and keeps a failure for the section's error box.
 */
export function useListActions(queryKey: readonly string[]) {
  const client = useQueryClient()
  const [error, setError] = useState<unknown>()
  const refresh = () => client.invalidateQueries({ queryKey })
  const run = async (work: () => Promise<unknown>) => {
    setError(undefined)
    try {
      await work()
      await refresh()
    } catch (e) {
      setError(e)
    }
  }
  return { error, run, refresh }
}

/** The State, Failures and Last sent cells every subscription table (webhook, channel, hook) has. */
export function SubscriptionCells({
  active,
  reason,
  failures,
  last,
}: {
  active: boolean
  reason: string | null
  failures: number
  last: string | null
}) {
  return (
    <>
      <td>
        <ActiveBadge active={active} reason={reason} />
      </td>
      <td className="right">{failures}</td>
      <td title={last ? formatTime(last) : undefined}>{formatAgo(last)}</td>
    </>
  )
}

/**
 * A subscription's row actions: its deliveries (when it has a log), then Edit, Enable or Disable
 * and Delete, which need the admin scope and say so when the session lacks it.
 */
export function SubscriptionActions({
  gate,
  active,
  deliveries,
  onEdit,
  onToggle,
  onDelete,
}: {
  gate: Gate
  active: boolean
  deliveries?: { label: string; onShow: () => void }
  onEdit: () => void
  onToggle: () => void
  onDelete: () => void
}) {
  return (
    <td className="row-actions">
      {deliveries ? (
        <button type="button" onClick={deliveries.onShow} aria-label={deliveries.label}>
          Deliveries
        </button>
      ) : null}
      <button type="button" disabled={!gate.allowed} title={gate.reason} onClick={onEdit}>
        Edit
      </button>
      <button type="button" disabled={!gate.allowed} title={gate.reason} onClick={onToggle}>
        {active ? 'Disable' : 'Enable'}
      </button>
      <button type="button" disabled={!gate.allowed} title={gate.reason} onClick={onDelete}>
        Delete
      </button>
    </td>
  )
}
