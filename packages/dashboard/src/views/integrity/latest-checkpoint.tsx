import { useQuery } from '@tanstack/react-query'
import { CopyButton } from '../../components/copy-button'
import { ErrorBox, Loading } from '../../components/page'
import { formatAgo, formatNumber, formatTime } from '../../lib/format'
import { openCheckpoint, signatureVerdict } from '../../lib/integrity/signed-note'
import type { VerifierKey } from '../../lib/integrity/signed-note'
import { toBase64 } from '../../lib/integrity/bytes'

/**
 * The latest signed checkpoint: its size, age and root, the note text to copy, and whether its
 * signatures verify in this browser against the published keys. A browser without Ed25519 says
 * so; it never shows a signature it could not check as verified.
 */
export function LatestCheckpoint({
  note,
  keys,
  now,
}: {
  note: string
  keys: readonly VerifierKey[]
  now: number
}) {
  const opened = useQuery({
    queryKey: ['log', 'opened', note, keys.map((k) => toBase64(k.keyId)).join()],
    queryFn: () => openCheckpoint(note, keys),
    staleTime: Infinity,
  })
  if (opened.isPending) return <Loading what="Checking the checkpoint's signature" />
  if (opened.error) return <ErrorBox error={opened.error} />
  const { checkpoint, signatures, unchecked } = opened.data
  const verdict = signatureVerdict(opened.data)
  const time = signatures.find((s) => s.type === 'cosignature')?.time
  return (
    <div className="latest-checkpoint">
      <dl className="facts">
        <div className="fact">
          <dt>Origin</dt>
          <dd className="mono">{checkpoint.origin}</dd>
        </div>
        <div className="fact">
          <dt>Tree size</dt>
          <dd>{formatNumber(checkpoint.size)}</dd>
        </div>
        <div className="fact">
          <dt>Signed</dt>
          <dd>
            {time === undefined
              ? 'no timestamped cosignature'
              : `${formatTime(time * 1000)} (${formatAgo(time * 1000, now)})`}
          </dd>
        </div>
        <div className="fact">
          <dt>Root hash</dt>
          <dd className="mono break">{toBase64(checkpoint.root)}</dd>
        </div>
        <div className="fact">
          <dt>Signature</dt>
          <dd>
            <SignatureBadge verdict={verdict} unchecked={unchecked} />
          </dd>
        </div>
      </dl>
      <ul className="signature-lines">
        {signatures.map((s, i) => (
          <li key={i}>
            {s.type} by key <span className="mono">{s.keyIdHex}</span>
            {s.time === undefined ? '' : ` at ${formatTime(s.time * 1000)}`}: {s.result}
          </li>
        ))}
      </ul>
      <h3>The signed note</h3>
      <pre className="json note-text" aria-label="Signed checkpoint note" tabIndex={0}>
        {note}
      </pre>
      <CopyButton text={note} label="Copy the note" />
    </div>
  )
}

export function SignatureBadge({
  verdict,
  unchecked,
}: {
  verdict: 'verified' | 'failed' | 'unchecked'
  unchecked?: string
}) {
  if (verdict === 'verified')
    return <span className="badge good">verified in this browser (Ed25519)</span>
  if (verdict === 'failed')
    return <span className="badge bad">failed: no published key's signature verifies</span>
  return (
    <span className="badge warn" title={unchecked}>
      not checked in this browser{unchecked ? `: ${unchecked}` : ''}
    </span>
  )
}
