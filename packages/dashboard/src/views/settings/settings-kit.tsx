import type { Gate } from '../../components/scope-gate'

/** A note that the session can see but not change this section. */
export function ReadOnlyNote({ gate, what }: { gate: Gate; what: string }) {
  if (gate.allowed) return null
  return (
    <p className="settings-note" role="note">
      {what} needs a key with the <code>admin</code> scope; this session&apos;s key has{' '}
      <code>{gate.scopes}</code>. Sign in with an admin key to make changes.
    </p>
  )
}

/** A subscription's state: active, or disabled and why. */
export function ActiveBadge({ active, reason }: { active: boolean; reason?: string | null }) {
  if (active) return <span className="badge active">active</span>
  const why =
    reason === 'gone'
      ? 'the receiver answered 410 Gone'
      : reason === 'failures'
        ? '10 failed deliveries in a row'
        : 'disabled by an operator'
  return (
    <span className="badge warn" title={why}>
      disabled{reason === 'failures' ? ' (failures)' : reason === 'gone' ? ' (gone)' : ''}
    </span>
  )
}
