import { useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { api } from '../../api/client'
import { ErrorBox } from '../../components/page'
import type { Gate } from '../../components/scope-gate'
import type { Delivery } from './settings-types'
import { deliveryOutcome, useDeliveries } from './use-deliveries'

/**
 * "Send test": queues a test delivery (`<base>/{id}/test`) and shows its outcome as the delivery
 * log reports it (the log is read every second while the delivery is pending).
 */
export function TestSend({
  resource,
  id,
  gate,
}: {
  resource: 'webhooks' | 'notifications'
  id: string
  gate: Gate
}) {
  const client = useQueryClient()
  const [sent, setSent] = useState<Delivery>()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>()
  const log = useDeliveries(resource, id)
  const latest = sent && log.data?.pages.flatMap((p) => p.deliveries).find((d) => d.id === sent.id)
  const current = latest ?? sent
  const send = async () => {
    setBusy(true)
    setError(undefined)
    try {
      const { delivery } = await api<{ delivery: Delivery }>(
        `/api/v1/${resource}/${encodeURIComponent(id)}/test`,
        { method: 'POST' },
      )
      setSent(delivery)
      await client.invalidateQueries({ queryKey: [resource, id, 'deliveries'] })
    } catch (e) {
      setError(e)
    } finally {
      setBusy(false)
    }
  }
  return (
    <div className="test-send">
      <button
        type="button"
        disabled={!gate.allowed || busy}
        title={gate.reason}
        onClick={() => void send()}
      >
        {busy ? 'Sending…' : 'Send test'}
      </button>
      <span
        role="status"
        aria-live="polite"
        className={current ? `test-result ${current.status}` : undefined}
      >
        {current ? `Test delivery: ${deliveryOutcome(current)}` : ''}
      </span>
      <ErrorBox error={error} />
    </div>
  )
}
