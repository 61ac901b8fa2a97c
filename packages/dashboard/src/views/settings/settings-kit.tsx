import type { ReactNode } from 'react'
import { ApiError } from '../../api/client'
import { hasScope, useSession } from '../../api/session'

/** Whether the session may change things that need `scope`, and the title that says why not. */
export interface Gate {
  allowed: boolean
  /** For a disabled control's `title`: which scope is needed and which the session has. */
  title: string | undefined
  scopes: string
}

/** The session's permission for `scope` (admin grants all), for disabling controls with a reason. */
export function useGate(scope: string): Gate {
  const session = useSession().data
  const allowed = hasScope(session, scope)
  const scopes = session?.key.scopes.join(', ') ?? 'none'
  return {
    allowed,
    scopes,
    title: allowed
      ? undefined
      : `Needs a key with the ${scope} scope; this session's key has ${scopes}.`,
  }
}

/** A note that the session can see but not change this section. */
export function ReadOnlyNote({ gate, what }: { gate: Gate; what: string }) {
  if (gate.allowed) return null
  return (
    <p className="settings-note" role="note">
      {what} needs a key with the <code>admin</code> scope; this session&apos;s key has{' '}
      <code>{gate.scopes}</code>. Sign in with an admin key to make changes.
    </p>
  )
}

/** Field messages of a failed request (`config.webhook_url` → message), and what is left over. */
export function errorsOf(error: unknown): { fields: Record<string, string>; other: unknown } {
  if (error instanceof ApiError) {
    const fields = error.fieldErrors()
    return { fields, other: Object.keys(fields).length > 0 ? undefined : error }
  }
  return { fields: {}, other: error }
}

/** The message for `field` or any path under it (`events` matches `events.2`). */
export function fieldMessage(fields: Record<string, string>, field: string): string | undefined {
  if (fields[field]) return fields[field]
  const key = Object.keys(fields).find((k) => k.startsWith(`${field}.`))
  return key ? fields[key] : undefined
}

/** Messages for paths no input shows (e.g. `''`, an unknown field), so none is lost. */
export function leftoverMessages(fields: Record<string, string>, shown: readonly string[]) {
  return Object.entries(fields)
    .filter(([k]) => !shown.some((s) => k === s || k.startsWith(`${s}.`)))
    .map(([k, m]) => (k ? `${k}: ${m}` : m))
}

/** A labelled input with its error under it, tied together for screen readers. */
export function Field({
  id,
  label,
  error,
  hint,
  children,
}: {
  id: string
  label: string
  error?: string | undefined
  hint?: ReactNode
  children: (props: {
    id: string
    'aria-invalid': true | undefined
    'aria-describedby': string | undefined
  }) => ReactNode
}) {
  return (
    <div className="field">
      <label htmlFor={id}>
        <span className="field-label">{label}</span>
      </label>
      {children({
        id,
        'aria-invalid': error ? true : undefined,
        'aria-describedby': error ? `${id}-error` : hint ? `${id}-hint` : undefined,
      })}
      {hint && !error ? (
        <div className="muted field-hint" id={`${id}-hint`}>
          {hint}
        </div>
      ) : null}
      {error ? (
        <div className="field-error" id={`${id}-error`} role="alert">
          {error}
        </div>
      ) : null}
    </div>
  )
}

/** A subscription's state: active, or disabled and why. */
export function ActiveBadge({ active, reason }: { active: boolean; reason?: string | null }) {
  if (active) return <span className="badge active">active</span>
  const why =
    reason === 'gone'
      ? 'the receiver answered 410 Gone'
      : reason === 'failures'
        ? '10 failed deliveries in a row'
        : 'disabled by an operator'
  return (
    <span className="badge warn" title={why}>
      disabled{reason === 'failures' ? ' (failures)' : reason === 'gone' ? ' (gone)' : ''}
    </span>
  )
}
