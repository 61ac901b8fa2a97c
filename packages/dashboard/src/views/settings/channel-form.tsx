import { useState } from 'react'
import { ApiError, api } from '../../api/client'
import { ErrorBox } from '../../components/page'
import { CheckboxGroup } from './checkbox-group'
import { errorAt, errorsOf, leftoverMessages } from '../../components/field-errors'
import { Field } from '../../components/form-field'
import { CHANNELS, TOPICS } from './settings-types'
import type { ChannelName, NotificationSetting } from './settings-types'

/** Each channel kind's one config field: its name, label, input type and hint. */
export const CHANNEL_FIELDS: Record<
  ChannelName,
  { field: string; label: string; type: string; hint: string; title: string }
> = {
  slack: {
    title: 'Slack',
    field: 'webhook_url',
    label: 'Incoming-webhook URL',
    type: 'url',
    hint: 'https://hooks.slack.com/services/T…/B…/… (a secret: shown masked afterwards)',
  },
  discord: {
    title: 'Discord',
    field: 'webhook_url',
    label: 'Webhook URL',
    type: 'url',
    hint: 'https://discord.com/api/webhooks/{id}/{token} (a secret: shown masked afterwards)',
  },
  pagerduty: {
    title: 'PagerDuty',
    field: 'routing_key',
    label: 'Integration (routing) key',
    type: 'password',
    hint: 'The 32-character Events API v2 integration key of the service',
  },
  email: {
    title: 'E-mail',
    field: 'email',
    label: 'Addresses',
    type: 'text',
    hint: 'One address, or up to 20 separated by commas. Needs an SMTP server set by the operator.',
  },
}

const DEFAULT_EVENTS = ['agent.killed', 'budget.exceeded', 'alert.created', 'approval.requested']

/**
 * Sets up a channel (`POST /api/v1/notifications`; one per kind, so creating a kind that exists
 * replaces its config) or changes one (`PATCH /{id}`): the config is masked when read back, so
 * editing leaves it as it is unless a new value is typed.
 */
export function ChannelForm({
  setting,
  existing,
  onSaved,
  onCancel,
}: {
  setting?: NotificationSetting
  existing: readonly ChannelName[]
  onSaved: (saved: NotificationSetting) => void
  onCancel: () => void
}) {
  const [channel, setChannel] = useState<ChannelName>(
    setting?.channel ?? CHANNELS.find((c) => !existing.includes(c)) ?? 'slack',
  )
  const [value, setValue] = useState('')
  const [events, setEvents] = useState<string[]>(setting?.events ?? DEFAULT_EVENTS)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>()
  const spec = CHANNEL_FIELDS[channel]
  const { fields, other } = errorsOf(error)
  // `smtp_not_configured` has no field path: it is about the channel kind.
  const smtp = error instanceof ApiError && error.code === 'smtp_not_configured'
  const configPath = `config.${spec.field}`
  const submit = async () => {
    setBusy(true)
    setError(undefined)
    const config = { [spec.field]: value.trim() }
    try {
      const { setting: saved } = setting
        ? await api<{ setting: NotificationSetting }>(
            `/api/v1/notifications/${encodeURIComponent(setting.id)}`,
            { method: 'PATCH', body: { events, ...(value.trim() && { config }) } },
          )
        : await api<{ setting: NotificationSetting }>('/api/v1/notifications', {
            method: 'POST',
            body: { channel, config, events },
          })
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
      aria-label={setting ? 'Edit channel' : 'New channel'}
      onSubmit={(e) => {
        e.preventDefault()
        void submit()
      }}
    >
      <h2>{setting ? `Edit the ${spec.title} channel` : 'New notification channel'}</h2>
      <div className="form-grid wide">
        <Field
          id="channel-kind"
          label="Channel"
          error={errorAt(fields, 'channel') ?? (smtp ? (error as ApiError).message : undefined)}
          hint={
            !setting && existing.includes(channel)
              ? `The org has a ${spec.title} channel: saving replaces its config and events.`
              : undefined
          }
        >
          {(p) => (
            <select
              {...p}
              value={channel}
              disabled={setting !== undefined}
              onChange={(e) => {
                setChannel(e.target.value as ChannelName)
                setValue('')
              }}
            >
              {CHANNELS.map((c) => (
                <option key={c} value={c}>
                  {CHANNEL_FIELDS[c].title}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          id="channel-config"
          label={spec.label}
          error={errorAt(fields, configPath) ?? errorAt(fields, 'config')}
          hint={
            setting
              ? `Now ${String(setting.config[spec.field] ?? '—')}; leave empty to keep it.`
              : spec.hint
          }
        >
          {(p) => (
            <input
              {...p}
              type={spec.type}
              required={!setting}
              autoComplete="off"
              spellCheck={false}
              value={value}
              onChange={(e) => setValue(e.target.value)}
            />
          )}
        </Field>
      </div>
      <CheckboxGroup
        id="channel-events"
        legend="Events"
        options={TOPICS}
        value={events}
        onChange={setEvents}
        error={
          errorAt(fields, 'events') ??
          (events.length === 0 ? 'Choose at least one event.' : undefined)
        }
      />
      {leftoverMessages(fields, ['channel', 'config', 'events']).map((m) => (
        <div key={m} className="field-error" role="alert">
          {m}
        </div>
      ))}
      <ErrorBox error={smtp ? undefined : other} />
      <div className="form-actions">
        <button
          type="submit"
          className="primary"
          disabled={busy || events.length === 0 || (!setting && !value.trim())}
        >
          {busy ? 'Saving…' : setting ? 'Save channel' : 'Create channel'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  )
}
