import { useCallback, useEffect, useId, useRef, useState } from 'react'
import { FieldError } from '../../components/page'

/**
 * A text filter that applies when the user presses Enter or leaves the field, not on every key:
 * each applied value is a query to the server. `options` feed a datalist of known values.
 */
export function TextFilter({
  label,
  value,
  onApply,
  options = [],
  error,
  placeholder,
}: {
  label: string
  value: string | undefined
  onApply: (value: string) => void
  options?: readonly string[]
  error?: string
  placeholder?: string
}) {
  const id = useId()
  const [text, setText] = useState(value ?? '')
  // A value changed elsewhere (a clicked cell, a cleared chip) shows here.
  useEffect(() => setText(value ?? ''), [value])
  const apply = () => {
    if (text.trim() !== (value ?? '')) onApply(text.trim())
  }
  return (
    <label className="field filter-field">
      <span>{label}</span>
      <input
        value={text}
        list={options.length > 0 ? `${id}-list` : undefined}
        placeholder={placeholder ?? 'any'}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => setText(e.target.value)}
        onBlur={apply}
        onKeyDown={(e) => {
          if (e.key === 'Enter') apply()
          if (e.key === 'Escape') setText(value ?? '')
        }}
      />
      {options.length > 0 ? (
        <datalist id={`${id}-list`}>
          {options.map((o) => (
            <option key={o} value={o} />
          ))}
        </datalist>
      ) : null}
      <FieldError id={`${id}-error`} message={error} />
    </label>
  )
}

/** `2026-05-03T14:00` in the browser's zone, for a datetime-local input, from an ISO time. */
function toLocalInput(iso: string | undefined): string {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return ''
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`
}

/** A bound of the time range: the browser's local time in the field, UTC ISO 8601 in the URL. */
export function TimeFilter({
  label,
  value,
  onApply,
  error,
}: {
  label: string
  value: string | undefined
  onApply: (iso: string) => void
  error?: string
}) {
  const id = useId()
  return (
    <label className="field filter-field">
      <span>{label}</span>
      <input
        type="datetime-local"
        value={toLocalInput(value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => {
          const d = new Date(e.target.value)
          onApply(e.target.value && !Number.isNaN(d.getTime()) ? d.toISOString() : '')
        }}
      />
      <FieldError id={`${id}-error`} message={error} />
    </label>
  )
}

/**
 * The search box: it applies 300 ms after the user stops typing (or at once on Enter), so typing a
 * phrase costs one query, not one per key.
 */
export function SearchBox({
  value,
  onApply,
  error,
}: {
  value: string | undefined
  onApply: (q: string) => void
  error?: string
}) {
  const id = useId()
  const [text, setText] = useState(value ?? '')
  // What this box last applied: when the URL comes back with it, the user may already have typed
  // on, and that newer text must stay. Any other value (a cleared chip, the back button) shows.
  const applied = useRef(value ?? '')
  useEffect(() => {
    if ((value ?? '') !== applied.current) {
      applied.current = value ?? ''
      setText(value ?? '')
    }
  }, [value])
  const apply = useCallback(
    (q: string) => {
      applied.current = q
      onApply(q)
    },
    [onApply],
  )
  useEffect(() => {
    if (text.trim() === applied.current) return
    const timer = setTimeout(() => apply(text.trim()), 300)
    return () => clearTimeout(timer)
  }, [text, apply])
  return (
    <label className="field filter-field search-field">
      <span>Search</span>
      <input
        type="search"
        value={text}
        placeholder="Words in title, input, output or error"
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') apply(text.trim())
        }}
      />
      <FieldError id={`${id}-error`} message={error} />
    </label>
  )
}
