import { useState } from 'react'
import { formatTime } from '../../lib/format'
import { CHIP_LABELS } from './event-filters'
import type { EventFilters, FilterKey } from './event-filters'
import { SearchBox, TextFilter, TimeFilter } from './filter-inputs'

const STATUSES = ['success', 'error', 'pending', 'denied'] as const
const KINDS = [
  'action',
  'llm_call',
  'tool_call',
  'http_call',
  'message',
  'turn',
  'session',
  'cron',
  'token_usage',
]
const RANGES: [string, number][] = [
  ['Last 15 minutes', 15 * 60_000],
  ['Last hour', 3_600_000],
  ['Last 24 hours', 86_400_000],
  ['Last 7 days', 7 * 86_400_000],
  ['Last 30 days', 30 * 86_400_000],
]
const MORE: FilterKey[] = ['action', 'user', 'tag', 'trace_id', 'conversation_id', 'from', 'to']

/**
 * Every filter of the feed. Each one writes the URL (`set`), which is the only place filters live;
 * values known from loaded rows and agents are offered as suggestions.
 */
export function FilterBar({
  filters,
  set,
  suggestions,
  fieldErrors,
}: {
  filters: EventFilters
  set: (patch: Partial<Record<FilterKey, string | null>>) => void
  suggestions: Partial<Record<FilterKey, string[]>>
  fieldErrors: Record<string, string>
}) {
  const [more, setMore] = useState(() => MORE.some((k) => filters[k]))
  const text = (key: FilterKey, label: string, placeholder?: string) => (
    <TextFilter
      label={label}
      value={filters[key]}
      options={suggestions[key]}
      error={fieldErrors[key]}
      placeholder={placeholder}
      onApply={(v) => set({ [key]: v || null })}
    />
  )
  return (
    <div className="filter-bar">
      <div className="toolbar">
        <SearchBox value={filters.q} error={fieldErrors.q} onApply={(q) => set({ q: q || null })} />
        <label className="field filter-field">
          <span>Status</span>
          <select
            value={filters.status ?? ''}
            onChange={(e) => set({ status: e.target.value || null })}
          >
            <option value="">any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <TextFilter
          label="Kind"
          value={filters.kind}
          options={[...new Set([...KINDS, ...(suggestions.kind ?? [])])]}
          error={fieldErrors.kind}
          onApply={(v) => set({ kind: v || null })}
        />
        {text('agent', 'Agent')}
        {text('service', 'Service')}
        {text('model', 'Model')}
        <label className="field filter-field">
          <span>Time</span>
          <select
            value=""
            onChange={(e) => {
              const span = Number(e.target.value)
              if (span > 0) set({ from: new Date(Date.now() - span).toISOString(), to: null })
              else if (e.target.value === 'all') set({ from: null, to: null })
            }}
          >
            <option value="">{rangeText(filters)}</option>
            {RANGES.map(([label, span]) => (
              <option key={label} value={span}>
                {label}
              </option>
            ))}
            <option value="all">All time</option>
          </select>
        </label>
        <button type="button" aria-expanded={more} onClick={() => setMore(!more)}>
          {more ? 'Fewer filters' : 'More filters'}
        </button>
      </div>
      {more ? (
        <div className="toolbar">
          {text('action', 'Action')}
          {text('user', 'User')}
          {text('tag', 'Tag')}
          {text('trace_id', 'Trace id')}
          {text('conversation_id', 'Conversation id')}
          <TimeFilter
            label="From"
            value={filters.from}
            error={fieldErrors.from}
            onApply={(v) => set({ from: v || null })}
          />
          <TimeFilter
            label="To"
            value={filters.to}
            error={fieldErrors.to}
            onApply={(v) => set({ to: v || null })}
          />
        </div>
      ) : null}
      <FilterChips filters={filters} set={set} />
    </div>
  )
}

function rangeText(f: EventFilters): string {
  if (!f.from && !f.to) return 'All time'
  if (f.from && !f.to) return `Since ${formatTime(f.from)}`
  if (!f.from && f.to) return `Before ${formatTime(f.to)}`
  return 'Custom range'
}

/** The filters in force, each removable, and one button that clears them all. */
function FilterChips({
  filters,
  set,
}: {
  filters: EventFilters
  set: (patch: Partial<Record<FilterKey, string | null>>) => void
}) {
  const active = (Object.keys(CHIP_LABELS) as (keyof typeof CHIP_LABELS)[]).filter(
    (k) => filters[k] !== undefined,
  )
  if (active.length === 0) return null
  return (
    <ul className="chips" aria-label="Filters in force">
      {active.map((k) => (
        <li key={k} className="chip">
          <span className="muted">{CHIP_LABELS[k]}</span>{' '}
          {k === 'from' || k === 'to' ? formatTime(filters[k]) : filters[k]}
          <button
            type="button"
            className="chip-remove"
            aria-label={`Remove the ${CHIP_LABELS[k].toLowerCase()} filter`}
            onClick={() => set({ [k]: null })}
          >
            ×
          </button>
        </li>
      ))}
      <li>
        <button
          type="button"
          className="cell-link"
          onClick={() => set(Object.fromEntries(active.map((k) => [k, null])))}
        >
          Clear filters
        </button>
      </li>
    </ul>
  )
}
