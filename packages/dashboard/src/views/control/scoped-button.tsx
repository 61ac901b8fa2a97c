import type { ButtonHTMLAttributes } from 'react'
import { hasScope, useSession } from '../../api/session'

/** Whether the signed-in key may do what `scope` allows, and the reason to show when it may not. */
export function useScope(scope: string): { allowed: boolean; reason: string | undefined } {
  const allowed = hasScope(useSession().data, scope)
  return {
    allowed,
    reason: allowed ? undefined : `Needs a key with the ${scope} (or admin) scope`,
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
