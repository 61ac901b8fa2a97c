import { useSession } from '../../api/session'
import { CopyButton } from '../../components/copy-button'
import type { LogKey } from '../../api/log'

/** The newest export in the current directory: the server names each `agenttrail-log-<time>.jsonl`. */
const NEWEST = '"$(ls -t agenttrail-log-*.jsonl | head -n 1)"'

/** Single quotes for a POSIX shell. */
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`

/**
 * The verifiable export and what an auditor does with it. The link streams
 * `GET /api/v1/log/export` to a file (the session cookie authenticates it, as the Events export
 * does), and the commands check it offline with keys taken from the server's well-known path.
 */
export function ExportPanel({ keys, ready }: { keys: readonly LogKey[]; ready: boolean }) {
  const session = useSession().data
  const base = (session?.base_url ?? window.location.origin).replace(/\/$/, '')
  const org = session?.org_id ?? ''
  const keysUrl = `${base}/.well-known/agenttrail/log-keys?org=${encodeURIComponent(org)}`
  const fetchKeys = `curl -fsS ${quote(keysUrl)} -o log-keys.json`
  const verify = `agenttrail verify ${NEWEST} --keys-file log-keys.json`
  const pinned = `agenttrail verify ${NEWEST} ${keys.map((k) => `--key ${quote(k.vkey)}`).join(' ')}`
  return (
    <div className="export-panel">
      <p>
        Every event up to the latest checkpoint with the salts of its committed fields, every
        erasure with its tombstone, every signed checkpoint with the consistency proof from the one
        before, and the public keys, as JSON Lines. It is streamed, so a large trail downloads in
        constant memory.
      </p>
      {ready ? (
        <a className="button primary" href="/api/v1/log/export" download>
          Download verifiable export
        </a>
      ) : (
        <button type="button" disabled title="There is no signed checkpoint yet">
          Download verifiable export
        </button>
      )}
      <h3>Verify it offline</h3>
      <p>
        On any machine with Node.js and the <code>agenttrail</code> CLI (no server, no database),
        take the keys from the server, then check the newest export in the folder the browser saved
        it to:
      </p>
      <pre className="json command" aria-label="Verify commands" tabIndex={0}>
        {`${fetchKeys}\n${verify}`}
      </pre>
      <CopyButton text={`${fetchKeys}\n${verify}`} label="Copy the commands" />
      <p className="muted">
        Exit status 0: intact. 5: intact with warnings (for example keys taken from the export
        itself). 1: an integrity failure, each named with its seq or tree size. 2: a usage mistake.
      </p>
      <h3>Pin the key</h3>
      <p>
        Keys read from the server you audit prove only that the export agrees with that server.
        Record the verifier key out of band once (in the audit file, or from a colleague who fetched
        it earlier), then check every later export against that record instead:
      </p>
      <pre className="json command" aria-label="Verify with pinned keys" tabIndex={0}>
        {pinned}
      </pre>
      <CopyButton text={pinned} label="Copy" />
      <p className="muted">
        Save the latest signed note too (Copy the note, above, into a file):{' '}
        <code>--pinned-checkpoint latest.note</code> then proves the next export extends it, so
        history signed before cannot have been rewritten.
      </p>
    </div>
  )
}
