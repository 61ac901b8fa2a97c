import { useQuery } from '@tanstack/react-query'
import { api } from '../../api/client'
import type { Agent, Stats } from '../../api/types'

/** A labelled select whose empty option means "any"; a value not in `options` is still shown. */
export function FilterSelect({
  label,
  value,
  options,
  anyLabel,
  onChange,
}: {
  label: string
  value: string | undefined
  options: readonly string[]
  anyLabel: string
  onChange: (value: string | null) => void
}) {
  const all = value && !options.includes(value) ? [...options, value] : options
  return (
    <label className="field">
      <span>{label}</span>
      <select value={value ?? ''} onChange={(e) => onChange(e.target.value || null)}>
        <option value="">{anyLabel}</option>
        {all.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
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
  return (
    <label className="field">
      <span>{label}</span>
      <input
        type="date"
        value={value ?? ''}
        min={min}
        max={max}
        onChange={(e) => onChange(e.target.value || null)}
      />
    </label>
  )
}
