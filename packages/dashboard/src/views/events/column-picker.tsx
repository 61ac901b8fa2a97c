import { COLUMN_SPECS, DEFAULT_COLUMNS, metaColumnId } from './event-columns'
import { Menu } from './menu'

/**
 * Which columns the feed shows: the built-in fields and every metadata key seen in the loaded
 * rows. The choice lives in the URL (`cols`), so a shared link shows the same table.
 */
export function ColumnPicker({
  chosen,
  metaKeys,
  onChange,
}: {
  chosen: readonly string[]
  metaKeys: readonly string[]
  onChange: (ids: string[]) => void
}) {
  const chosenMeta = chosen.filter((id) => id.startsWith('meta:')).map((id) => id.slice(5))
  const allMeta = [...new Set([...metaKeys, ...chosenMeta])].sort()
  const toggle = (id: string, on: boolean) => {
    if (on) onChange([...chosen, id])
    else if (chosen.length > 1) onChange(chosen.filter((c) => c !== id))
  }
  const box = (id: string, label: string) => (
    <label key={id} className="check">
      <input
        type="checkbox"
        checked={chosen.includes(id)}
        disabled={chosen.length === 1 && chosen.includes(id)}
        onChange={(e) => toggle(id, e.target.checked)}
      />
      <span>{label}</span>
    </label>
  )
  return (
    <Menu label="Columns" panelLabel="Columns" className="column-picker">
      <fieldset>
        <legend>Fields</legend>
        {Object.entries(COLUMN_SPECS).map(([id, spec]) => box(id, spec.header))}
      </fieldset>
      <fieldset>
        <legend>Metadata</legend>
        {allMeta.length === 0 ? (
          <p className="muted">No metadata keys in the loaded rows.</p>
        ) : (
          allMeta.map((key) => box(metaColumnId(key), key))
        )}
      </fieldset>
      <button type="button" onClick={() => onChange([...DEFAULT_COLUMNS])}>
        Default columns
      </button>
    </Menu>
  )
}
