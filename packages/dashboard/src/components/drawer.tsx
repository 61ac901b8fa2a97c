import { useEffect, useRef } from 'react'
import type { ReactNode } from 'react'

/**
 * A panel over the right side of the view, for one item's detail. Escape closes it; focus moves
 * into it when it opens so keyboard users land on its content.
 */
export function Drawer({
  title,
  onClose,
  children,
  footer,
}: {
  title: ReactNode
  onClose: () => void
  children: ReactNode
  footer?: ReactNode
}) {
  const ref = useRef<HTMLElement>(null)
  useEffect(() => {
    ref.current?.focus()
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [onClose])
  return (
    <aside
      className="drawer"
      role="dialog"
      aria-modal="false"
      aria-labelledby="drawer-title"
      ref={ref}
      tabIndex={-1}
    >
      <header className="drawer-head">
        <h2 id="drawer-title">{title}</h2>
        <button type="button" className="icon-button" onClick={onClose} aria-label="Close">
          ×
        </button>
      </header>
      <div className="drawer-body">{children}</div>
      {footer ? <footer className="drawer-foot">{footer}</footer> : null}
    </aside>
  )
}
