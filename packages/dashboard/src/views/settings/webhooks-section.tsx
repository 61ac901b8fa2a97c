import { QueryView } from '../../components/query-view'
import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { api } from '../../api/client'
import { ConfirmDialog } from '../../components/confirm-dialog'
import { EmptyState, ErrorBox } from '../../components/page'
import { useUrlState } from '../../lib/url-state'
import { DeliveryLog } from './delivery-log'
import { SecretOnce } from './secret-once'
import { useScope } from '../../components/scope-gate'
import { ReadOnlyNote } from './settings-kit'
import { SubscriptionActions, SubscriptionCells, useListActions } from './subscription-row'
import type { Webhook } from './settings-types'
import { TestSend } from './test-send'
import { WebhookForm } from './webhook-form'

const path = (id: string, rest = '') => `/api/v1/webhooks/${encodeURIComponent(id)}${rest}`

/**
 * Webhooks: list, create (the signing secret shown once), edit, enable or disable, delete; the
 * selected webhook (`?webhook=` in the URL) shows its delivery log and a test send.
 */
export function WebhooksSection() {
  const gate = useScope('admin')
  const [params, setParams] = useUrlState()
  const [editing, setEditing] = useState<Webhook | 'new'>()
  const [secret, setSecret] = useState<{ secret: string; url: string }>()
  const [deleting, setDeleting] = useState<Webhook>()
  const list = useQuery({
    queryKey: ['webhooks'],
    queryFn: () => api<{ webhooks: Webhook[] }>('/api/v1/webhooks'),
  })
  const { error, run, refresh } = useListActions(['webhooks'])
  const webhooks = list.data?.webhooks ?? []
  const selected = webhooks.find((w) => w.id === params.webhook)

  return (
    <div className="settings-section">
      <div className="section-head">
        <p className="muted">
          Webhooks receive the events they subscribe to as signed JSON POSTs, retried with backoff;
          see docs/events-out.md for the body and the signature headers.
        </p>
        <button
          type="button"
          className="primary"
          disabled={!gate.allowed || editing !== undefined}
          title={gate.reason}
          onClick={() => setEditing('new')}
        >
          New webhook
        </button>
      </div>
      <ReadOnlyNote gate={gate} what="Changing webhooks" />
      {secret ? (
        <SecretOnce
          title="The webhook's signing secret"
          secret={secret.secret}
          onDone={() => setSecret(undefined)}
        >
          <p className="muted">
            Give it to the receiver at <span className="mono">{secret.url}</span> so it can check
            each request&apos;s signature.
          </p>
        </SecretOnce>
      ) : null}
      {editing ? (
        <WebhookForm
          key={editing === 'new' ? 'new' : editing.id}
          webhook={editing === 'new' ? undefined : editing}
          onCancel={() => setEditing(undefined)}
          onSaved={(saved) => {
            setEditing(undefined)
            if (saved.secret) setSecret({ secret: saved.secret, url: saved.url })
            setParams({ webhook: saved.id })
            void refresh()
          }}
        />
      ) : null}
      <ErrorBox error={error} />
      <QueryView
        query={list}
        loading="Loading webhooks"
        isEmpty={() => webhooks.length === 0}
        empty={
          <EmptyState title="No webhooks yet">
            <p>
              {gate.allowed
                ? 'Press “New webhook” and give the URL of your receiver; it gets a signed POST for each event it subscribes to.'
                : 'An admin key can add one: a URL that gets a signed POST for each event it subscribes to.'}
            </p>
          </EmptyState>
        }
      >
        {() => (
          <table className="simple" aria-label="Webhooks">
            <thead>
              <tr>
                <th scope="col">URL</th>
                <th scope="col">Events</th>
                <th scope="col">State</th>
                <th scope="col" className="right">
                  Failures
                </th>
                <th scope="col">Last sent</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {webhooks.map((w) => (
                <tr
                  key={w.id}
                  aria-selected={selected?.id === w.id}
                  className={selected?.id === w.id ? 'selected' : undefined}
                >
                  <td className="wrap">
                    <span className="mono">{w.url}</span>
                    {w.description ? <div className="muted">{w.description}</div> : null}
                  </td>
                  <td title={w.events.join(', ')}>
                    {w.events.length === 13 ? 'every event' : w.events.join(', ')}
                  </td>
                  <SubscriptionCells
                    active={w.active}
                    reason={w.disabled_reason}
                    failures={w.failure_count}
                    last={w.last_triggered_at}
                  />
                  <SubscriptionActions
                    gate={gate}
                    active={w.active}
                    deliveries={{
                      label: `Deliveries of ${w.url}`,
                      onShow: () => setParams({ webhook: w.id }),
                    }}
                    onEdit={() => setEditing(w)}
                    onToggle={() =>
                      void run(() =>
                        w.active
                          ? api(path(w.id), { method: 'PATCH', body: { active: false } })
                          : api(path(w.id, '/enable'), { method: 'POST' }),
                      )
                    }
                    onDelete={() => setDeleting(w)}
                  />
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryView>
      {selected ? (
        <section className="panel" aria-labelledby="deliveries-title">
          <div className="section-head">
            <h2 id="deliveries-title">
              Deliveries to <span className="mono">{selected.url}</span>
            </h2>
            <TestSend resource="webhooks" id={selected.id} gate={gate} />
          </div>
          <DeliveryLog resource="webhooks" id={selected.id} gate={gate} />
        </section>
      ) : null}
      {deleting ? (
        <ConfirmDialog
          title="Delete this webhook?"
          confirmLabel="Delete webhook"
          danger
          onCancel={() => setDeleting(undefined)}
          onConfirm={() => {
            const id = deleting.id
            setDeleting(undefined)
            if (params.webhook === id) setParams({ webhook: null })
            void run(() => api(path(id), { method: 'DELETE' }))
          }}
        >
          <p>
            The webhook to <span className="mono">{deleting.url}</span> stops at once; its pending
            deliveries and its delivery log are deleted with it.
          </p>
        </ConfirmDialog>
      ) : null}
    </div>
  )
}
