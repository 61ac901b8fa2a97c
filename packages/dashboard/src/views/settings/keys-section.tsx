import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { api } from '../../api/client'
import { useResetSession, useSession } from '../../api/session'
import { ConfirmDialog } from '../../components/confirm-dialog'
import { EmptyState, ErrorBox, Loading } from '../../components/page'
import { formatAgo, formatTime } from '../../lib/format'
import { KeyCreateForm } from './key-create-form'
import { SecretOnce } from './secret-once'
import { useScope } from '../../components/scope-gate'
import { ReadOnlyNote } from './settings-kit'
import type { ApiKey, NewApiKey } from './settings-types'

type Pending = { kind: 'rotate' | 'revoke'; key: ApiKey }

/** API keys: list (never secrets), create with scopes, rotate and revoke. All need `admin`. */
export function KeysSection() {
  const gate = useScope('admin')
  const session = useSession().data
  const client = useQueryClient()
  const resetSession = useResetSession()
  const [creating, setCreating] = useState(false)
  // The one place a new secret lives: this state, until the person closes the box.
  const [shown, setShown] = useState<{ secret: string; name: string; ended: boolean }>()
  const [pending, setPending] = useState<Pending>()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>()
  const keys = useQuery({
    queryKey: ['keys'],
    queryFn: () => api<{ keys: ApiKey[] }>('/api/v1/keys'),
    enabled: gate.allowed,
  })
  const own = (k: ApiKey) => k.id === session?.key.id

  const act = async ({ kind, key }: Pending) => {
    setBusy(true)
    setError(undefined)
    try {
      if (kind === 'rotate') {
        const fresh = await api<NewApiKey>('/api/v1/keys/rotate', {
          method: 'POST',
          body: { id: key.id },
        })
        // After rotating the session's own key the session is over: refetching would switch to
        // sign-in before the new secret could be copied, so the list is left as it is.
        setShown({ secret: fresh.key, name: fresh.name, ended: own(key) })
        if (!own(key)) await client.invalidateQueries({ queryKey: ['keys'] })
      } else {
        await api('/api/v1/keys/revoke', { method: 'POST', body: { id: key.id } })
        await client.invalidateQueries({ queryKey: ['keys'] })
      }
      setPending(undefined)
    } catch (e) {
      setError(e)
      setPending(undefined)
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="settings-section">
      <div className="section-head">
        <p className="muted">
          Keys authenticate agents, SDKs and this dashboard. Their secrets are shown once, when a
          key is created or rotated; AgentTrail keeps only a hash.
        </p>
        <button
          type="button"
          className="primary"
          disabled={!gate.allowed || creating}
          title={gate.reason}
          onClick={() => setCreating(true)}
        >
          Create key
        </button>
      </div>
      <ReadOnlyNote gate={gate} what="Seeing and managing keys" />
      {shown ? (
        <SecretOnce
          title={`The secret of key “${shown.name}”`}
          secret={shown.secret}
          onDone={() => {
            setShown(undefined)
            // The old secret no longer works: drop every cached answer and ask only the session
            // again, which sends the person to sign-in (no view refetches with a dead key).
            if (shown.ended) void resetSession()
          }}
        >
          {shown.ended ? (
            <p className="error-box">
              This was the key of your session: the session has ended. Copy the new secret, close
              this box, and sign in again with it.
            </p>
          ) : null}
        </SecretOnce>
      ) : null}
      {creating ? (
        <KeyCreateForm
          onCancel={() => setCreating(false)}
          onCreated={(k) => {
            setCreating(false)
            setShown({ secret: k.key, name: k.name, ended: false })
            void client.invalidateQueries({ queryKey: ['keys'] })
          }}
        />
      ) : null}
      <ErrorBox error={error} />
      {!gate.allowed ? null : keys.isPending ? (
        <Loading what="Loading keys" />
      ) : keys.error ? (
        <ErrorBox error={keys.error} />
      ) : keys.data.keys.length === 0 ? (
        <EmptyState title="No keys yet">
          <p>
            Create a key for each agent or service that sends events, with only the scopes it needs.
          </p>
        </EmptyState>
      ) : (
        <KeyTable keys={keys.data.keys} own={own} onAction={setPending} />
      )}
      {pending ? (
        <ConfirmDialog
          title={`${pending.kind === 'rotate' ? 'Rotate' : 'Revoke'} key “${pending.key.name}”?`}
          confirmLabel={pending.kind === 'rotate' ? 'Rotate key' : 'Revoke key'}
          danger
          busy={busy}
          onCancel={() => setPending(undefined)}
          onConfirm={() => void act(pending)}
        >
          <p>
            {pending.kind === 'rotate'
              ? `A new secret replaces key “${pending.key.name}” (${pending.key.key_prefix}…) with the same name and scopes; the old secret stops working at once.`
              : `Key “${pending.key.name}” (${pending.key.key_prefix}…) stops working at once, for every client that uses it. This cannot be undone.`}
          </p>
          {own(pending.key) ? (
            <p className="error-box">
              This is the key of your current session:{' '}
              {pending.kind === 'rotate' ? 'rotating' : 'revoking'} it ends this session, and you
              will have to sign in again
              {pending.kind === 'rotate' ? ' with the new secret' : ' with another key'}.
            </p>
          ) : null}
        </ConfirmDialog>
      ) : null}
    </div>
  )
}

function KeyTable({
  keys,
  own,
  onAction,
}: {
  keys: ApiKey[]
  own: (k: ApiKey) => boolean
  onAction: (p: Pending) => void
}) {
  return (
    <table className="simple" aria-label="Keys">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Prefix</th>
          <th scope="col">Scopes</th>
          <th scope="col">Created</th>
          <th scope="col">Last used</th>
          <th scope="col">Actions</th>
        </tr>
      </thead>
      <tbody>
        {keys.map((k) => (
          <tr key={k.id} className={k.revoked_at ? 'muted' : undefined}>
            <td>
              {k.name}
              {own(k) ? <span className="badge good"> this session</span> : null}
              {k.revoked_at ? (
                <span className="badge bad" title={`Revoked ${formatTime(k.revoked_at)}`}>
                  revoked
                </span>
              ) : null}
              {k.description ? <div className="muted">{k.description}</div> : null}
            </td>
            <td className="mono">{k.key_prefix}…</td>
            <td>{k.scopes.join(', ')}</td>
            <td title={formatTime(k.created_at)}>{formatTime(k.created_at)}</td>
            <td title={k.last_used_at ? formatTime(k.last_used_at) : undefined}>
              {formatAgo(k.last_used_at)}
            </td>
            <td className="row-actions">
              {k.revoked_at ? null : (
                <>
                  <button type="button" onClick={() => onAction({ kind: 'rotate', key: k })}>
                    Rotate
                  </button>
                  <button
                    type="button"
                    onClick={() => onAction({ kind: 'revoke', key: k })}
                    disabled={own(k)}
                    title={
                      own(k)
                        ? 'A key cannot revoke itself: rotate it, or revoke it from a session of another admin key.'
                        : undefined
                    }
                  >
                    Revoke
                  </button>
                </>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
