import { useEffect, useRef, useState } from 'react'
import type { ReactNode } from 'react'

/**
 * A modal that asks before a consequential action. With `typeToConfirm`, the confirm button stays
 * disabled until that exact text is typed (killing an agent asks for its name).
 */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  danger,
  typeToConfirm,
  busy,
  onConfirm,
  onCancel,
}: {
  title: string
  children: ReactNode
  confirmLabel: string
  danger?: boolean
  typeToConfirm?: string
  busy?: boolean
  onConfirm: () => void
  onCancel: () => void
}) {
  const [typed, setTyped] = useState('')
  const first = useRef<HTMLInputElement & HTMLButtonElement>(null)
  useEffect(() => {
    first.current?.focus()
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onCancel()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [onCancel])
  const ready = !busy && (typeToConfirm === undefined || typed === typeToConfirm)
  return (
    <div className="modal-backdrop">
      <div className="modal" role="alertdialog" aria-modal="true" aria-labelledby="confirm-title">
        <h2 id="confirm-title">{title}</h2>
        <div className="modal-body">{children}</div>
        <form
          onSubmit={(e) => {
            e.preventDefault()
            if (ready) onConfirm()
          }}
        >
          {typeToConfirm !== undefined ? (
            <label className="field">
              <span>
                Type <strong>{typeToConfirm}</strong> to confirm
              </span>
              <input
                ref={first}
                value={typed}
                onChange={(e) => setTyped(e.target.value)}
                autoComplete="off"
              />
            </label>
          ) : null}
          <div className="modal-actions">
            <button
              type="button"
              onClick={onCancel}
              ref={typeToConfirm === undefined ? first : undefined}
            >
              Cancel
            </button>
            <button type="submit" className={danger ? 'danger' : 'primary'} disabled={!ready}>
              {confirmLabel}
            </button>
          </div>
        </form>
      </div>
    </div>
  )
}
