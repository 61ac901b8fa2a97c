import { useState } from 'react'
import { api } from '../../api/client'
import { ErrorBox } from '../../components/page'
import { CheckboxGroup } from './checkbox-group'
import { errorAt, errorsOf, leftoverMessages } from '../../components/field-errors'
import { Field } from '../../components/form-field'
import { TOPICS } from './settings-types'
import type { Webhook } from './settings-types'

type Created = Webhook & { secret?: string }

/**
 * Creates a webhook (`POST /api/v1/webhooks`) or changes one (`PATCH /api/v1/webhooks/{id}`): URL,
 * description and events. Errors appear at their field. A created webhook's signing secret goes
 * to `onSaved` only (never the query cache).
 */
export function WebhookForm({
  webhook,
  onSaved,
  onCancel,
}: {
  webhook?: Webhook
  onSaved: (saved: Created) => void
  onCancel: () => void
}) {
  const [url, setUrl] = useState(webhook?.url ?? '')
  const [description, setDescription] = useState(webhook?.description ?? '')
  const [events, setEvents] = useState<string[]>(webhook?.events ?? [...TOPICS])
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>()
  const { fields, other } = errorsOf(error)
  const submit = async () => {
    setBusy(true)
    setError(undefined)
    const body = { url: url.trim(), events, description: description.trim() || null }
    try {
      const saved = webhook
        ? (
            await api<{ webhook: Webhook }>(`/api/v1/webhooks/${encodeURIComponent(webhook.id)}`, {
              method: 'PATCH',
              body,
            })
          ).webhook
        : await api<Created>('/api/v1/webhooks', { method: 'POST', body })
      onSaved(saved)
    } catch (e) {
      setError(e)
    } finally {
      setBusy(false)
    }
  }
  return (
    <form
      className="panel settings-form"
      aria-label={webhook ? 'Edit webhook' : 'New webhook'}
      onSubmit={(e) => {
        e.preventDefault()
        void submit()
      }}
    >
      <h2>{webhook ? 'Edit webhook' : 'New webhook'}</h2>
      <div className="form-grid wide">
        <Field
          id="webhook-url"
          label="URL"
          error={errorAt(fields, 'url')}
          hint="An http or https endpoint. Each request is signed with the webhook's secret."
        >
          {(p) => (
            <input
              {...p}
              type="url"
              required
              value={url}
              placeholder="https://your-server.example/agenttrail"
              onChange={(e) => setUrl(e.target.value)}
            />
          )}
        </Field>
        <Field
          id="webhook-description"
          label="Description (optional)"
          error={errorAt(fields, 'description')}
        >
          {(p) => (
            <input
              {...p}
              maxLength={500}
              value={description}
              onChange={(e) => setDescription(e.target.value)}
            />
          )}
        </Field>
      </div>
      <CheckboxGroup
        id="webhook-events"
        legend="Events"
        options={TOPICS}
        value={events}
        onChange={setEvents}
        error={
          errorAt(fields, 'events') ??
          (events.length === 0 ? 'Choose at least one event.' : undefined)
        }
      />
      {leftoverMessages(fields, ['url', 'description', 'events']).map((m) => (
        <div key={m} className="field-error" role="alert">
          {m}
        </div>
      ))}
      <ErrorBox error={other} />
      <div className="form-actions">
        <button
          type="submit"
          className="primary"
          disabled={busy || !url.trim() || events.length === 0}
        >
          {busy ? 'Saving…' : webhook ? 'Save webhook' : 'Create webhook'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  )
}
