import { useEffect, useRef } from 'react'
import type { ReactNode } from 'react'

/**
 * A button that opens a small panel (a native `<details>`, so it works from the keyboard). A click
 * outside or Escape closes it, so two menus are never open together.
 */
export function Menu({
  label,
  panelLabel,
  className,
  children,
}: {
  label: string
  panelLabel: string
  className?: string
  children: ReactNode
}) {
  const ref = useRef<HTMLDetailsElement>(null)
  useEffect(() => {
    const close = (e: Event) => {
      const el = ref.current
      if (!el?.open) return
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !el.contains(e.target as Node)) {
        el.open = false
        if (e instanceof KeyboardEvent) el.querySelector('summary')?.focus()
      }
    }
    document.addEventListener('pointerdown', close)
    document.addEventListener('keydown', close)
    return () => {
      document.removeEventListener('pointerdown', close)
      document.removeEventListener('keydown', close)
    }
  }, [])
  return (
    <details className="menu" ref={ref}>
      <summary className="button">{label}</summary>
      <div
        className={`menu-panel${className ? ` ${className}` : ''}`}
        role="group"
        aria-label={panelLabel}
      >
        {children}
      </div>
    </details>
  )
}
