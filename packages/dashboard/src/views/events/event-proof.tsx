import { useQuery } from '@tanstack/react-query'
import { api, ApiError } from '../../api/client'
import { useLogKeys, useLogStatus } from '../../api/log'
import { ErrorBox, Loading } from '../../components/page'
import { formatNumber } from '../../lib/format'
import { checkInclusion } from '../../lib/integrity/inclusion-check'
import type { InclusionProof } from '../../lib/integrity/inclusion-check'
import type { EventDetail } from './event-model'

/**
 * The event's inclusion proof (`GET /api/v1/events/{id}/proof`), checked here in the browser
 * against the signed checkpoint it names: verified, failed (and which step), or not yet in a
 * checkpoint. The log's status says first whether a checkpoint covers the event (it is read every
 * 2 s while events wait; one is signed within about a second), so no proof is asked for too early.
 */
export function EventProof({ event }: { event: EventDetail }) {
  const status = useLogStatus()
  const covered = (status.data?.latest_checkpoint?.tree_size ?? 0) >= event.seq
  const proof = useQuery({
    queryKey: ['events', 'proof', event.id],
    queryFn: async ({ signal }) => {
      try {
        return await api<InclusionProof>(`/api/v1/events/${encodeURIComponent(event.id)}/proof`, {
          signal,
        })
      } catch (e) {
        if (e instanceof ApiError && e.code === 'not_checkpointed') return null
        throw e
      }
    },
    enabled: covered,
    // A checkpoint the status named but the proof route did not yet see: ask again shortly.
    refetchInterval: (q) => (q.state.data === null ? 2_000 : false),
    staleTime: 60_000,
    retry: false,
  })
  const keys = useLogKeys()
  const check = useQuery({
    queryKey: ['events', 'proof-check', event.id, proof.data ?? null, keys.data?.keys ?? null],
    queryFn: () => checkInclusion(proof.data!, event, keys.data!.parsed),
    enabled: !!proof.data && !!keys.data,
    staleTime: Infinity,
  })
  return (
    <section aria-labelledby="proof-title" className="event-proof">
      <h3 id="proof-title">Proof</h3>
      {status.error || proof.error || keys.error ? (
        <ErrorBox error={status.error ?? proof.error ?? keys.error} />
      ) : status.isPending ? (
        <Loading what="Loading the log's status" />
      ) : !covered || proof.data === null ? (
        <p role="status">
          <span className="badge pending">not yet checkpointed</span> No signed checkpoint covers
          this event yet; one is signed within about a second.
        </p>
      ) : proof.isPending || keys.isPending || check.isPending ? (
        <Loading what="Checking the proof in this browser" />
      ) : check.error ? (
        <p role="status">
          <span className="badge warn">not checked</span> {(check.error as Error).message}
        </p>
      ) : (
        <>
          <p role="status">
            {check.data.status === 'verified' ? (
              <span className="badge good">verified</span>
            ) : (
              <span className="badge bad">failed</span>
            )}{' '}
            {check.data.status === 'verified'
              ? `Leaf ${formatNumber(proof.data.leaf_index)} is in the signed checkpoint of ${formatNumber(proof.data.tree_size)} leaves, checked in this browser.`
              : 'This proof does not hold: the step marked ✗ below failed.'}
            {check.data.signature === 'unchecked'
              ? ` The checkpoint's signature was not checked in this browser: ${check.data.opened?.unchecked ?? 'no Ed25519'}.`
              : ''}
          </p>
          <ol className="proof-steps" aria-label="Proof steps">
            {check.data.steps.map((s) => (
              <li key={s.label}>
                <span className={s.ok ? 'step-ok' : 'step-failed'}>{s.ok ? '✓' : '✗'}</span>{' '}
                {s.label}
                {s.detail ? <span className="detail muted mono">{s.detail}</span> : null}
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  )
}
