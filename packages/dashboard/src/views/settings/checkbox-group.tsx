/**
 * A fieldset of checkboxes (scopes, events, triggers) with its legend, hints and the error the API
 * gave for it. `value` is the checked names, in `options` order.
 */
export function CheckboxGroup({
  id,
  legend,
  options,
  value,
  onChange,
  hints,
  error,
  disabled,
}: {
  id: string
  legend: string
  options: readonly string[]
  value: readonly string[]
  onChange: (next: string[]) => void
  hints?: Partial<Record<string, string>>
  error?: string | undefined
  disabled?: boolean
}) {
  const toggle = (name: string, on: boolean) =>
    onChange(options.filter((o) => (o === name ? on : value.includes(o))))
  return (
    <fieldset
      className="checkbox-group"
      aria-invalid={error ? true : undefined}
      aria-describedby={error ? `${id}-error` : undefined}
    >
      <legend>{legend}</legend>
      {options.map((name) => (
        <label key={name} className="check">
          <input
            type="checkbox"
            name={id}
            value={name}
            checked={value.includes(name)}
            disabled={disabled}
            onChange={(e) => toggle(name, e.target.checked)}
          />
          <code>{name}</code>
          {hints?.[name] ? <span className="muted"> {hints[name]}</span> : null}
        </label>
      ))}
      {error ? (
        <div className="field-error" id={`${id}-error`} role="alert">
          {error}
        </div>
      ) : null}
    </fieldset>
  )
}
