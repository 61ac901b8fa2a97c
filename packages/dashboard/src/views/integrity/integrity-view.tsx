import { useQueryClient } from '@tanstack/react-query'
import { useEffect, useRef, useState } from 'react'
import { useStreamFrames } from '../../api/stream'
import { ErrorBox, Loading, Page } from '../../components/page'
import { CheckpointHistory } from './checkpoint-history'
import { ExportPanel } from './export-panel'
import { KeysTable } from './keys-table'
import { LatestCheckpoint } from './latest-checkpoint'
import { LOG_KEY, useLatestNote, useLogKeys, useLogStatus } from '../../api/log'
import { StatusCards } from './status-cards'
import { statusWarnings } from './status-warnings'
import './integrity.css'

/** Re-renders every second, for ages ("signed 3 s ago") and the lag warning. */
function useNow(): number {
  const [now, setNow] = useState(Date.now)
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1_000)
    return () => clearInterval(timer)
  }, [])
  return now
}

/** Since when the log has had events no checkpoint covers, by this page's clock (0: it has none). */
function useLaggingSince(lagging: boolean | undefined): number {
  const since = useRef(0)
  if (!lagging) since.current = 0
  else if (since.current === 0) since.current = Date.now()
  return since.current
}

/**
 * Integrity (docs/integrity.md): whether the trail is provable right now. The log's size against
 * the trail, the latest signed checkpoint checked in this browser, the published keys, the
 * checkpoint history, and the verifiable export with the commands an auditor runs on it.
 */
export default function IntegrityView() {
  const client = useQueryClient()
  const status = useLogStatus()
  const keys = useLogKeys()
  const note = useLatestNote(
    status.data ? (status.data.latest_checkpoint?.created_at ?? null) : undefined,
  )
  const now = useNow()
  const laggingSince = useLaggingSince(status.data && status.data.lag_events > 0)
  useStreamFrames((frame) => {
    if (frame.type === 'event.new')
      void client.invalidateQueries({ queryKey: [...LOG_KEY, 'status'] })
  })

  if (status.isPending) return <Loading what="Loading the log's status" />
  if (status.error) return <ErrorBox error={status.error} />
  const s = status.data
  const warnings = statusWarnings(s, now, laggingSince === 0 ? 0 : now - laggingSince)
  return (
    <Page title="Integrity">
      <p className="muted page-intro">
        Every committed event is a leaf of this org&apos;s Merkle log (RFC 6962); the server signs a
        checkpoint of the tree about a second after it grows and every hour even when it does not.
        An export and the published keys let anyone check the trail offline.
      </p>
      <StatusCards status={s} now={now} />
      {warnings.map((w) => (
        <div key={w.slice(0, 40)} className="integrity-warning" role="alert">
          {w}
        </div>
      ))}
      <div className="integrity-grid">
        <section className="panel" aria-labelledby="latest-title">
          <h2 id="latest-title">Latest checkpoint</h2>
          {note.isPending || keys.isPending ? (
            <Loading what="Loading the checkpoint" />
          ) : note.error || keys.error ? (
            <ErrorBox error={note.error ?? keys.error} />
          ) : note.data === null ? (
            <p className="muted">
              No checkpoint yet: the first is signed about a second after the first event.
            </p>
          ) : (
            <LatestCheckpoint note={note.data} keys={keys.data.parsed} now={now} />
          )}
        </section>
        <section className="panel" aria-labelledby="export-title">
          <h2 id="export-title">Verifiable export</h2>
          <ExportPanel keys={keys.data?.keys ?? []} ready={s.latest_checkpoint !== null} />
        </section>
      </div>
      <section className="panel" aria-labelledby="keys-title">
        <h2 id="keys-title">Published keys</h2>
        <p className="muted">
          Also at <code>/.well-known/agenttrail/log-keys?org=…</code> without a key, for auditors.
        </p>
        {keys.isPending ? (
          <Loading what="Loading the keys" />
        ) : keys.error ? (
          <ErrorBox error={keys.error} />
        ) : (
          <KeysTable keys={keys.data.keys} current={s.key_id} />
        )}
      </section>
      <section className="panel" aria-labelledby="history-title">
        <h2 id="history-title">Checkpoint history</h2>
        <CheckpointHistory />
      </section>
    </Page>
  )
}
