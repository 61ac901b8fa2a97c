import { useId } from 'react'
import type { ReactNode } from 'react'
import { FieldError } from './page'

/** The accessibility props a `Field` hands its control. */
export interface FieldControlProps {
  id: string
  'aria-invalid': true | undefined
  'aria-describedby': string | undefined
}

/**
 * A labelled control with its hint and the API's message for it, tied together for screen readers
 * (`aria-describedby`, `aria-invalid`). The control itself comes from `children`, which receives
 * the props to spread on it.
 */
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
  children: (props: FieldControlProps) => ReactNode
}) {
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean)
  return (
    <div className="field">
      <label htmlFor={id}>
        <span className="field-label">{label}</span>
      </label>
      {children({
        id,
        'aria-invalid': error ? true : undefined,
        'aria-describedby': described.length ? described.join(' ') : undefined,
      })}
      {hint ? (
        <div className="field-hint" id={`${id}-hint`}>
          {hint}
        </div>
      ) : null}
      <FieldError id={`${id}-error`} message={error} />
    </div>
  )
}

/** A `Field` around a text or number input (`multiline`: a textarea) bound to a string value. */
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
  error?: string | undefined
  hint?: ReactNode
  type?: 'text' | 'number'
  placeholder?: string
  multiline?: boolean
  required?: boolean
}) {
  const id = useId()
  return (
    <Field id={id} label={label} error={error} hint={hint}>
      {(props) => {
        const common = {
          ...props,
          value,
          placeholder,
          'aria-required': required ? true : undefined,
        }
        return multiline ? (
          <textarea {...common} rows={3} onChange={(e) => onChange(e.target.value)} />
        ) : (
          <input
            {...common}
            type={type}
            step={type === 'number' ? 'any' : undefined}
            onChange={(e) => onChange(e.target.value)}
          />
        )
      }}
    </Field>
  )
}
