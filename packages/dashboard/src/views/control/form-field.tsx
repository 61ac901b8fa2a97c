import { useId } from 'react'
import type { ReactNode } from 'react'
import { FieldError } from '../../components/page'

/**
 * A labelled input with its hint and the API's message for it, tied together for screen readers
 * (`aria-describedby`, `aria-invalid`). `multiline` makes it a textarea.
 */
export function FormField({
  label,
  value,
  onChange,
  error,
  hint,
  type = 'text',
  placeholder,
  multiline,
  required,
}: {
  label: string
  value: string
  onChange: (value: string) => void
  error?: string
  hint?: ReactNode
  type?: 'text' | 'number'
  placeholder?: string
  multiline?: boolean
  required?: boolean
}) {
  const id = useId()
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean)
  const common = {
    id,
    value,
    placeholder,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': described.length ? described.join(' ') : undefined,
    'aria-required': required ? true : undefined,
  }
  return (
    <div className="field">
      <label htmlFor={id}>
        <span className="muted">{label}</span>
      </label>
      {multiline ? (
        <textarea {...common} rows={3} onChange={(e) => onChange(e.target.value)} />
      ) : (
        <input
          {...common}
          type={type}
          step={type === 'number' ? 'any' : undefined}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
      {hint ? (
        <div className="field-hint" id={`${id}-hint`}>
          {hint}
        </div>
      ) : null}
      <FieldError id={`${id}-error`} message={error} />
    </div>
  )
}
