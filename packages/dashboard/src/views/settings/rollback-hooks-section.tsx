import { QueryView } from '../../components/query-view'
import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { api } from '../../api/client'
import { ConfirmDialog } from '../../components/confirm-dialog'
import { EmptyState, ErrorBox } from '../../components/page'
import { RollbackExecutions } from './rollback-executions'
import { RollbackHookForm } from './rollback-hook-form'
import { SecretOnce } from './secret-once'
import { useScope } from '../../components/scope-gate'
import { ReadOnlyNote } from './settings-kit'
import { SubscriptionActions, SubscriptionCells, useListActions } from './subscription-row'
import type { RollbackHook } from './settings-types'

const path = (id: string) => `/api/v1/rollback-hooks/${encodeURIComponent(id)}`

/**
 * Rollback hooks: URLs called with an agent's last completed actions when it is killed or its
 * budget is exceeded, so a system can undo them. List, create (secret shown once), edit, enable
 * or disable, delete, and the log of their calls.
 */
export function RollbackHooksSection() {
  const gate = useScope('admin')
  const [editing, setEditing] = useState<RollbackHook | 'new'>()
  const [secret, setSecret] = useState<string>()
  const [deleting, setDeleting] = useState<RollbackHook>()
  const list = useQuery({
    queryKey: ['rollback-hooks'],
    queryFn: () => api<{ hooks: RollbackHook[] }>('/api/v1/rollback-hooks'),
  })
  const { error, run, refresh } = useListActions(['rollback-hooks'])
  const hooks = list.data?.hooks ?? []
  return (
    <div className="settings-section">
      <div className="section-head">
        <p className="muted">
          When an agent is killed or exceeds its budget, its rollback hooks are called with its last
          completed actions, so your system can undo them.
        </p>
        <button
          type="button"
          className="primary"
          disabled={!gate.allowed || editing !== undefined}
          title={gate.reason}
          onClick={() => setEditing('new')}
        >
          New rollback hook
        </button>
      </div>
      <ReadOnlyNote gate={gate} what="Changing rollback hooks" />
      {secret ? (
        <SecretOnce
          title="The rollback hook's signing secret"
          secret={secret}
          onDone={() => setSecret(undefined)}
        />
      ) : null}
      {editing ? (
        <RollbackHookForm
          key={editing === 'new' ? 'new' : editing.id}
          hook={editing === 'new' ? undefined : editing}
          onCancel={() => setEditing(undefined)}
          onSaved={(saved) => {
            setEditing(undefined)
            if (saved.secret) setSecret(saved.secret)
            void refresh()
          }}
        />
      ) : null}
      <ErrorBox error={error} />
      <QueryView
        query={list}
        loading="Loading rollback hooks"
        isEmpty={() => hooks.length === 0}
        empty={
          <EmptyState title="No rollback hooks yet">
            <p>
              {gate.allowed
                ? 'Press “New rollback hook” and give the URL of the service that can undo an agent’s actions.'
                : 'An admin key can register the URL of a service that undoes a killed agent’s actions.'}
            </p>
          </EmptyState>
        }
      >
        {() => (
          <table className="simple" aria-label="Rollback hooks">
            <thead>
              <tr>
                <th scope="col">URL</th>
                <th scope="col">Agent</th>
                <th scope="col">Triggers</th>
                <th scope="col">State</th>
                <th scope="col" className="right">
                  Failures
                </th>
                <th scope="col">Last called</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {hooks.map((h) => (
                <tr key={h.id}>
                  <td className="mono wrap">{h.url}</td>
                  <td>{h.agent_name ?? <span className="muted">every agent</span>}</td>
                  <td>{h.triggers.join(', ')}</td>
                  <SubscriptionCells
                    active={h.enabled}
                    reason={h.disabled_reason}
                    failures={h.failure_count}
                    last={h.last_triggered_at}
                  />
                  <SubscriptionActions
                    gate={gate}
                    active={h.enabled}
                    onEdit={() => setEditing(h)}
                    onToggle={() =>
                      void run(() =>
                        api(path(h.id), { method: 'PATCH', body: { enabled: !h.enabled } }),
                      )
                    }
                    onDelete={() => setDeleting(h)}
                  />
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryView>
      <RollbackExecutions hooks={hooks} />
      {deleting ? (
        <ConfirmDialog
          title="Delete this rollback hook?"
          confirmLabel="Delete hook"
          danger
          onCancel={() => setDeleting(undefined)}
          onConfirm={() => {
            const id = deleting.id
            setDeleting(undefined)
            void run(() => api(path(id), { method: 'DELETE' }))
          }}
        >
          <p>
            <span className="mono">{deleting.url}</span> is no longer called when{' '}
            {deleting.agent_name ?? 'an agent'} is killed or exceeds its budget; its pending calls
            and their log are deleted with it.
          </p>
        </ConfirmDialog>
      ) : null}
    </div>
  )
}
