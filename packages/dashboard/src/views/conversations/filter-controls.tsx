import { useQuery } from '@tanstack/react-query'
import { useId } from 'react'
import { api } from '../../api/client'
import type { Agent, Stats } from '../../api/types'

/**
 * A labelled select. With `anyLabel`, an empty first option means "any"; a value not in `options`
 * is still shown. The label is tied by id, not by nesting, so its name is its text alone (a
 * nesting label's name would include every option's text).
 */
export function FilterSelect({
  label,
  value,
  options,
  anyLabel,
  optionLabel = (o) => o,
  onChange,
}: {
  label: string
  value: string | undefined
  options: readonly string[]
  anyLabel?: string
  optionLabel?: (option: string) => string
  onChange: (value: string | null) => void
}) {
  const id = useId()
  const all = value && !options.includes(value) ? [...options, value] : options
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value ?? ''} onChange={(e) => onChange(e.target.value || null)}>
        {anyLabel === undefined ? null : <option value="">{anyLabel}</option>}
        {all.map((o) => (
          <option key={o} value={o}>
            {optionLabel(o)}
          </option>
        ))}
      </select>
    </div>
  )
}

/** Agent names the org has seen (in the chosen environment), for agent filters. */
export function useAgentNames(environment: string | undefined): string[] {
  const agents = useQuery({
    queryKey: ['agents', environment],
    queryFn: () => api<{ agents: Agent[] }>('/api/v1/agents', { query: { environment } }),
  })
  return [...new Set((agents.data?.agents ?? []).map((a) => a.name))].sort()
}

/** Models called in the last 90 days (from the stats rollups, so it is cheap at any size). */
export function useModelNames(environment: string | undefined): string[] {
  const stats = useQuery({
    queryKey: ['stats', 'models', environment],
    queryFn: () => api<Stats>('/api/v1/stats', { query: { days: 90, bucket: 'day', environment } }),
    staleTime: 60_000,
  })
  return (stats.data?.by_model ?? [])
    .map((m) => m.model)
    .filter((m): m is string => m !== null)
    .sort()
}

/** A labelled `YYYY-MM-DD` date input; clearing it removes the bound. */
export function DateInput({
  label,
  value,
  onChange,
  min,
  max,
}: {
  label: string
  value: string | undefined
  onChange: (value: string | null) => void
  min?: string
  max?: string
}) {
  const id = useId()
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="date"
        value={value ?? ''}
        min={min}
        max={max}
        onChange={(e) => onChange(e.target.value || null)}
      />
    </div>
  )
}
