import { CopyButton } from '../../components/copy-button'
import { formatTime } from '../../lib/format'
import type { LogKey } from '../../api/log'

/** The published signing keys, oldest first, with their validity windows and verifier keys. */
export function KeysTable({ keys, current }: { keys: readonly LogKey[]; current: string | null }) {
  if (keys.length === 0) return <p className="muted">No signing key has been published yet.</p>
  return (
    <table className="simple" aria-label="Signing keys">
      <thead>
        <tr>
          <th scope="col">Key id</th>
          <th scope="col">Valid from</th>
          <th scope="col">Valid until</th>
          <th scope="col">Verifier key</th>
        </tr>
      </thead>
      <tbody>
        {keys.map((k) => (
          <tr key={k.vkey}>
            <td className="mono">
              {k.key_id} {k.key_id === current ? <span className="badge good">signing</span> : null}
            </td>
            <td>{formatTime(k.not_before)}</td>
            <td>{k.not_after ? formatTime(k.not_after) : 'current'}</td>
            <td>
              <code className="break">{k.vkey}</code> <CopyButton text={k.vkey} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
