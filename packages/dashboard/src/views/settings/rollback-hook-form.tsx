import { useState } from 'react'
import { api } from '../../api/client'
import { ErrorBox } from '../../components/page'
import { CheckboxGroup } from './checkbox-group'
import { errorAt, errorsOf, leftoverMessages } from '../../components/field-errors'
import { Field } from '../../components/form-field'
import { TRIGGERS } from './settings-types'
import type { RollbackHook } from './settings-types'

type Created = RollbackHook & { secret?: string }

/** `{...}` text as an object, null for empty text, or the reason it is not a JSON object. */
function parseConfig(text: string): { value: Record<string, unknown> | null } | { error: string } {
  if (!text.trim()) return { value: null }
  try {
    const value: unknown = JSON.parse(text)
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      return { value: value as Record<string, unknown> }
    return { error: 'must be a JSON object, e.g. {"queue": "refunds"}' }
  } catch {
    return { error: 'is not valid JSON' }
  }
}

/**
 * Registers a rollback hook (`POST /api/v1/rollback-hooks`) or changes one (`PATCH /{id}`): the
 * URL it calls, the agent it is for (empty: every agent), its triggers and a config object sent
 * back in every call. Errors appear at their field.
 */
export function RollbackHookForm({
  hook,
  onSaved,
  onCancel,
}: {
  hook?: RollbackHook
  onSaved: (saved: Created) => void
  onCancel: () => void
}) {
  const [url, setUrl] = useState(hook?.url ?? '')
  const [agent, setAgent] = useState(hook?.agent_name ?? '')
  const [triggers, setTriggers] = useState<string[]>(hook?.triggers ?? [...TRIGGERS])
  const [config, setConfig] = useState(
    hook?.rollback_config ? JSON.stringify(hook.rollback_config, null, 2) : '',
  )
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>()
  const [configError, setConfigError] = useState<string>()
  const { fields, other } = errorsOf(error)
  const submit = async () => {
    const parsed = parseConfig(config)
    if ('error' in parsed) {
      setConfigError(parsed.error)
      return
    }
    setConfigError(undefined)
    setBusy(true)
    setError(undefined)
    const body = {
      url: url.trim(),
      agent_name: agent.trim() || null,
      triggers,
      rollback_config: parsed.value,
    }
    try {
      const saved = hook
        ? await api<RollbackHook>(`/api/v1/rollback-hooks/${encodeURIComponent(hook.id)}`, {
            method: 'PATCH',
            body,
          })
        : await api<Created>('/api/v1/rollback-hooks', { method: 'POST', body })
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
      aria-label={hook ? 'Edit rollback hook' : 'New rollback hook'}
      onSubmit={(e) => {
        e.preventDefault()
        void submit()
      }}
    >
      <h2>{hook ? 'Edit rollback hook' : 'New rollback hook'}</h2>
      <div className="form-grid wide">
        <Field
          id="hook-url"
          label="URL"
          error={errorAt(fields, 'url')}
          hint="Called with the agent's last completed actions, signed with the hook's secret."
        >
          {(p) => (
            <input
              {...p}
              type="url"
              required
              value={url}
              placeholder="https://your-server.example/rollback"
              onChange={(e) => setUrl(e.target.value)}
            />
          )}
        </Field>
        <Field
          id="hook-agent"
          label="Agent (empty: every agent)"
          error={errorAt(fields, 'agent_name')}
        >
          {(p) => <input {...p} value={agent} onChange={(e) => setAgent(e.target.value)} />}
        </Field>
      </div>
      <CheckboxGroup
        id="hook-triggers"
        legend="Triggers"
        options={TRIGGERS}
        value={triggers}
        onChange={setTriggers}
        hints={{
          'agent.killed': 'the agent is killed',
          'budget.exceeded': 'its budget is exceeded',
        }}
        error={
          errorAt(fields, 'triggers') ??
          (triggers.length === 0 ? 'Choose at least one trigger.' : undefined)
        }
      />
      <Field
        id="hook-config"
        label="Config (optional JSON object, sent back in every call)"
        error={configError ?? errorAt(fields, 'rollback_config')}
      >
        {(p) => (
          <textarea
            {...p}
            rows={4}
            spellCheck={false}
            value={config}
            placeholder='{"queue": "refunds"}'
            onChange={(e) => setConfig(e.target.value)}
          />
        )}
      </Field>
      {leftoverMessages(fields, ['url', 'agent_name', 'triggers', 'rollback_config']).map((m) => (
        <div key={m} className="field-error" role="alert">
          {m}
        </div>
      ))}
      <ErrorBox error={other} />
      <div className="form-actions">
        <button
          type="submit"
          className="primary"
          disabled={busy || !url.trim() || triggers.length === 0}
        >
          {busy ? 'Saving…' : hook ? 'Save hook' : 'Create hook'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  )
}
