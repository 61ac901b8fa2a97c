import { useState } from 'react'
import { api } from '../../api/client'
import { ErrorBox } from '../../components/page'
import { CheckboxGroup } from './checkbox-group'
import { errorAt, errorsOf, leftoverMessages } from '../../components/field-errors'
import { Field } from '../../components/form-field'
import { SCOPES, SCOPE_HINTS } from './settings-types'
import type { NewApiKey } from './settings-types'

/**
 * Creates a key with a name and scopes. The answer (with the secret) goes straight to `onCreated`,
 * not through the query cache, so the secret is held only by the component that shows it.
 */
export function KeyCreateForm({
  onCreated,
  onCancel,
}: {
  onCreated: (key: NewApiKey) => void
  onCancel: () => void
}) {
  const [name, setName] = useState('')
  const [description, setDescription] = useState('')
  const [scopes, setScopes] = useState<string[]>(['read'])
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>()
  const { fields, other } = errorsOf(error)
  const submit = async () => {
    setBusy(true)
    setError(undefined)
    try {
      const created = await api<NewApiKey>('/api/v1/keys/create', {
        method: 'POST',
        body: { name: name.trim(), scopes, ...(description.trim() && { description }) },
      })
      onCreated(created)
    } catch (e) {
      setError(e)
    } finally {
      setBusy(false)
    }
  }
  const noScope = scopes.length === 0 ? 'Choose at least one scope.' : undefined
  return (
    <form
      className="panel settings-form"
      aria-label="New key"
      onSubmit={(e) => {
        e.preventDefault()
        if (!noScope) void submit()
      }}
    >
      <h2>New key</h2>
      <div className="form-grid">
        <Field id="key-name" label="Name" error={errorAt(fields, 'name')}>
          {(p) => (
            <input
              {...p}
              required
              maxLength={100}
              value={name}
              placeholder="billing-agent production"
              onChange={(e) => setName(e.target.value)}
            />
          )}
        </Field>
        <Field
          id="key-description"
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
        id="key-scopes"
        legend="Scopes"
        options={SCOPES}
        value={scopes}
        onChange={setScopes}
        hints={SCOPE_HINTS}
        error={errorAt(fields, 'scopes') ?? noScope}
      />
      {leftoverMessages(fields, ['name', 'description', 'scopes']).map((m) => (
        <div key={m} className="field-error" role="alert">
          {m}
        </div>
      ))}
      <ErrorBox error={other} />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy || !name.trim() || !!noScope}>
          {busy ? 'Creating…' : 'Create key'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  )
}
