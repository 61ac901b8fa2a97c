import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { api } from '../../api/client'
import { ErrorBox, Loading } from '../../components/page'
import { errorAt, errorsOf, leftoverMessages, splitList } from '../../components/field-errors'
import { Field } from '../../components/form-field'
import { useScope } from '../../components/scope-gate'
import { ReadOnlyNote } from './settings-kit'
import type { OrgSettings } from './settings-types'

/**
 * Secret redaction and the org's other settings (`GET/PATCH /api/v1/org/settings`, admin scope):
 * redaction on or off, field names always redacted and never redacted, and whether events from
 * unregistered agents are refused. The plan is shown under "Plan and usage".
 */
export function RedactionSection() {
  const gate = useScope('admin')
  // Kept here: the form below starts again (a new key) from the stored value after each save.
  const [saved, setSaved] = useState(false)
  const settings = useQuery({
    queryKey: ['org-settings'],
    queryFn: () => api<OrgSettings>('/api/v1/org/settings'),
    enabled: gate.allowed,
  })
  if (!gate.allowed)
    return (
      <div className="settings-section">
        <ReadOnlyNote gate={gate} what="Seeing and changing the redaction settings" />
      </div>
    )
  if (settings.isPending) return <Loading what="Loading settings" />
  if (settings.error) return <ErrorBox error={settings.error} />
  // Keyed by the stored value, so the form starts again from what the server holds after a save.
  return (
    <RedactionForm
      key={JSON.stringify(settings.data)}
      current={settings.data}
      saved={saved}
      setSaved={setSaved}
    />
  )
}

function RedactionForm({
  current,
  saved,
  setSaved,
}: {
  current: OrgSettings
  saved: boolean
  setSaved: (saved: boolean) => void
}) {
  const client = useQueryClient()
  const [enabled, setEnabled] = useState(current.redaction.enabled)
  const [names, setNames] = useState(current.redaction.field_names.join('\n'))
  const [allow, setAllow] = useState(current.redaction.allow_field_names.join('\n'))
  const [registered, setRegistered] = useState(current.require_registered_agents)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>()
  const { fields, other } = errorsOf(error)
  const submit = async () => {
    setBusy(true)
    setError(undefined)
    setSaved(false)
    try {
      const next = await api<OrgSettings>('/api/v1/org/settings', {
        method: 'PATCH',
        body: {
          require_registered_agents: registered,
          redaction: {
            enabled,
            field_names: splitList(names),
            allow_field_names: splitList(allow),
          },
        },
      })
      client.setQueryData(['org-settings'], next)
      setSaved(true)
    } catch (e) {
      setError(e)
    } finally {
      setBusy(false)
    }
  }
  const enabledError = errorAt(fields, 'redaction.enabled')
  const registeredError = errorAt(fields, 'require_registered_agents')
  return (
    <form
      className="panel settings-form"
      aria-label="Redaction and org settings"
      onSubmit={(e) => {
        e.preventDefault()
        void submit()
      }}
    >
      <h2>Secret redaction</h2>
      <p className="muted">
        Before an event is written, the values of fields named like credentials, published key
        formats, bearer tokens, passwords in URLs and high-entropy values assigned in text are
        replaced by <code>[REDACTED]</code>, on every ingest path.
      </p>
      <label className="check">
        <input
          type="checkbox"
          checked={enabled}
          onChange={(e) => setEnabled(e.target.checked)}
          aria-invalid={enabledError ? true : undefined}
        />
        Redact secrets in events before they are stored
      </label>
      {enabledError ? (
        <div className="field-error" role="alert">
          {enabledError}
        </div>
      ) : null}
      <div className="form-grid wide">
        <Field
          id="redaction-names"
          label="Always redact these fields"
          error={errorAt(fields, 'redaction.field_names')}
          hint="One field name per line (case-insensitive, exact), e.g. ssn. At most 100."
        >
          {(p) => (
            <textarea
              {...p}
              rows={5}
              spellCheck={false}
              value={names}
              onChange={(e) => setNames(e.target.value)}
            />
          )}
        </Field>
        <Field
          id="redaction-allow"
          label="Never redact these fields by name"
          error={errorAt(fields, 'redaction.allow_field_names')}
          hint="Field names that look secret but are not, e.g. token_count. One per line."
        >
          {(p) => (
            <textarea
              {...p}
              rows={5}
              spellCheck={false}
              value={allow}
              onChange={(e) => setAllow(e.target.value)}
            />
          )}
        </Field>
      </div>
      <h2>Agents</h2>
      <label className="check">
        <input
          type="checkbox"
          checked={registered}
          onChange={(e) => setRegistered(e.target.checked)}
          aria-invalid={registeredError ? true : undefined}
        />
        Refuse events from agents that are not registered
      </label>
      {registeredError ? (
        <div className="field-error" role="alert">
          {registeredError}
        </div>
      ) : null}
      {leftoverMessages(fields, ['redaction', 'require_registered_agents']).map((m) => (
        <div key={m} className="field-error" role="alert">
          {m}
        </div>
      ))}
      <ErrorBox error={other} />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save settings'}
        </button>
        <span role="status" aria-live="polite" className="muted">
          {saved ? 'Saved. New events are redacted with these settings.' : ''}
        </span>
      </div>
    </form>
  )
}
