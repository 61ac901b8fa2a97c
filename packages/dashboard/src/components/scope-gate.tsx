import type { ButtonHTMLAttributes } from 'react'
import { hasScope, useSession } from '../api/session'

/** Whether the session may do what `scope` allows, and the reason to show when it may not. */
export interface Gate {
  allowed: boolean
  /** For a disabled control's `title`: which scope is needed. */
  reason: string | undefined
  /** The session key's scopes, for notes that say what the session has. */
  scopes: string
}

/** The session's permission for `scope` (admin grants all), for disabling controls with a reason. */
export function useScope(scope: string): Gate {
  const session = useSession().data
  const allowed = hasScope(session, scope)
  return {
    allowed,
    scopes: session?.key.scopes.join(', ') ?? 'none',
    // Admin is the widest scope, so its reason names no alternative.
    reason: allowed
      ? undefined
      : `Needs a key with the ${scope}${scope === 'admin' ? '' : ' (or admin)'} scope`,
  }
}

/**
 * A button for an action the key's scopes allow or not. Without the scope it stays visible but
 * disabled, and its title says which scope is needed, so a read-only operator sees what exists.
 */
export function ScopedButton({
  scope,
  disabled,
  title,
  ...rest
}: ButtonHTMLAttributes<HTMLButtonElement> & { scope: string }) {
  const { allowed, reason } = useScope(scope)
  return (
    <button
      type="button"
      {...rest}
      disabled={!allowed || disabled}
      title={reason ?? title}
      aria-disabled={!allowed || disabled ? true : undefined}
    />
  )
}
