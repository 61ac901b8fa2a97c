import { QueryView } from '../../components/query-view'
import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { api } from '../../api/client'
import { ConfirmDialog } from '../../components/confirm-dialog'
import { EmptyState, ErrorBox } from '../../components/page'
import { useUrlState } from '../../lib/url-state'
import { CHANNEL_FIELDS, ChannelForm } from './channel-form'
import { DeliveryLog } from './delivery-log'
import { useScope } from '../../components/scope-gate'
import { ReadOnlyNote } from './settings-kit'
import { SubscriptionActions, SubscriptionCells, useListActions } from './subscription-row'
import type { NotificationSetting } from './settings-types'
import { TestSend } from './test-send'

const path = (id: string) => `/api/v1/notifications/${encodeURIComponent(id)}`

/**
 * Notification channels (Slack, Discord, PagerDuty, e-mail; one of each per org): list with
 * configs masked, create per kind, edit, enable or disable, delete; the selected channel
 * (`?channel=` in the URL) shows a test send and its delivery log.
 */
export function NotificationsSection() {
  const gate = useScope('admin')
  const [params, setParams] = useUrlState()
  const [editing, setEditing] = useState<NotificationSetting | 'new'>()
  const [deleting, setDeleting] = useState<NotificationSetting>()
  const list = useQuery({
    queryKey: ['notifications'],
    queryFn: () => api<{ settings: NotificationSetting[] }>('/api/v1/notifications'),
  })
  const { error, run, refresh } = useListActions(['notifications'])
  const settings = list.data?.settings ?? []
  const selected = settings.find((s) => s.id === params.channel)

  return (
    <div className="settings-section">
      <div className="section-head">
        <p className="muted">
          Channels turn events into messages people read: a Slack or Discord post, a PagerDuty
          incident, an e-mail. The org has at most one channel of each kind.
        </p>
        <button
          type="button"
          className="primary"
          disabled={!gate.allowed || editing !== undefined}
          title={gate.reason}
          onClick={() => setEditing('new')}
        >
          New channel
        </button>
      </div>
      <ReadOnlyNote gate={gate} what="Changing notification channels" />
      {editing ? (
        <ChannelForm
          key={editing === 'new' ? 'new' : editing.id}
          setting={editing === 'new' ? undefined : editing}
          existing={settings.map((s) => s.channel)}
          onCancel={() => setEditing(undefined)}
          onSaved={(saved) => {
            setEditing(undefined)
            setParams({ channel: saved.id })
            void refresh()
          }}
        />
      ) : null}
      <ErrorBox error={error} />
      <QueryView
        query={list}
        loading="Loading channels"
        isEmpty={() => settings.length === 0}
        empty={
          <EmptyState title="No notification channels yet">
            <p>
              {gate.allowed
                ? 'Press “New channel” to send kills, exceeded budgets, alerts and approval requests to Slack, Discord, PagerDuty or e-mail.'
                : 'An admin key can add Slack, Discord, PagerDuty or e-mail channels here.'}
            </p>
          </EmptyState>
        }
      >
        {() => (
          <table className="simple" aria-label="Notification channels">
            <thead>
              <tr>
                <th scope="col">Channel</th>
                <th scope="col">Destination</th>
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
              {settings.map((s) => {
                const spec = CHANNEL_FIELDS[s.channel]
                return (
                  <tr
                    key={s.id}
                    aria-selected={selected?.id === s.id}
                    className={selected?.id === s.id ? 'selected' : undefined}
                  >
                    <td>{spec.title}</td>
                    <td className="mono wrap">{String(s.config[spec.field] ?? '—')}</td>
                    <td>{s.events.join(', ')}</td>
                    <SubscriptionCells
                      active={s.active}
                      reason={s.disabled_reason}
                      failures={s.failure_count}
                      last={s.last_triggered_at}
                    />
                    <SubscriptionActions
                      gate={gate}
                      active={s.active}
                      deliveries={{
                        label: `Deliveries of the ${spec.title} channel`,
                        onShow: () => setParams({ channel: s.id }),
                      }}
                      onEdit={() => setEditing(s)}
                      onToggle={() =>
                        void run(() =>
                          api(path(s.id), { method: 'PATCH', body: { active: !s.active } }),
                        )
                      }
                      onDelete={() => setDeleting(s)}
                    />
                  </tr>
                )
              })}
            </tbody>
          </table>
        )}
      </QueryView>
      {selected ? (
        <section className="panel" aria-labelledby="channel-deliveries-title">
          <div className="section-head">
            <h2 id="channel-deliveries-title">
              Deliveries to the {CHANNEL_FIELDS[selected.channel].title} channel
            </h2>
            <TestSend resource="notifications" id={selected.id} gate={gate} />
          </div>
          <DeliveryLog resource="notifications" id={selected.id} gate={gate} />
        </section>
      ) : null}
      {deleting ? (
        <ConfirmDialog
          title={`Delete the ${CHANNEL_FIELDS[deleting.channel].title} channel?`}
          confirmLabel="Delete channel"
          danger
          onCancel={() => setDeleting(undefined)}
          onConfirm={() => {
            const id = deleting.id
            setDeleting(undefined)
            if (params.channel === id) setParams({ channel: null })
            void run(() => api(path(id), { method: 'DELETE' }))
          }}
        >
          <p>Its messages stop at once; its pending deliveries and its log are deleted with it.</p>
        </ConfirmDialog>
      ) : null}
    </div>
  )
}
