import type { ReactNode } from 'react'
import type { Column } from '../../components/data-table'
import { formatDuration, formatNumber, formatTime, formatUsd } from '../../lib/format'
import type { FilterKey } from './event-filters'
import { eventLabel } from './event-model'
import type { FeedEvent } from './event-model'

/** Sets one filter (click a value in a row to filter by it). */
export type FilterBy = (key: FilterKey, value: string) => void

/**
 * A value in a row that filters the feed by itself when clicked. It stops the click and the Enter
 * key from reaching the row, which would open the drawer instead.
 */
function FilterValue({
  name,
  value,
  filterBy,
  children,
}: {
  name: FilterKey
  value: string | null
  filterBy: FilterBy
  children?: ReactNode
}) {
  if (value === null) return <span className="muted">—</span>
  return (
    <button
      type="button"
      className="cell-link"
      title={`Show only events with ${name} ${value}`}
      onClick={(e) => {
        e.stopPropagation()
        filterBy(name, value)
      }}
      onKeyDown={(e) => e.stopPropagation()}
    >
      {children ?? value}
    </button>
  )
}

type Cell = (e: FeedEvent, filterBy: FilterBy) => ReactNode

interface ColumnSpec {
  header: string
  width?: string
  align?: 'right'
  cell: Cell
}

const filterCell =
  (name: FilterKey, field: keyof FeedEvent): Cell =>
  (e, filterBy) => <FilterValue name={name} value={e[field] as string | null} filterBy={filterBy} />

/** Every built-in column, in the order the picker lists them. */
export const COLUMN_SPECS: Record<string, ColumnSpec> = {
  time: { header: 'Time', width: '162px', cell: (e) => formatTime(e.ts) },
  agent: { header: 'Agent', width: 'minmax(72px, 0.8fr)', cell: filterCell('agent', 'agent') },
  kind: { header: 'Kind', width: '76px', cell: filterCell('kind', 'kind') },
  service: {
    header: 'Service',
    width: 'minmax(70px, 0.7fr)',
    cell: filterCell('service', 'service'),
  },
  action: { header: 'Action', width: 'minmax(80px, 0.7fr)', cell: filterCell('action', 'action') },
  title: {
    header: 'What',
    width: 'minmax(90px, 2fr)',
    cell: (e) => <span title={eventLabel(e)}>{eventLabel(e)}</span>,
  },
  status: {
    header: 'Status',
    width: '70px',
    cell: (e, filterBy) => (
      <FilterValue name="status" value={e.status} filterBy={filterBy}>
        <span className={`badge ${e.status}`}>{e.status}</span>
      </FilterValue>
    ),
  },
  model: { header: 'Model', width: 'minmax(70px, 0.8fr)', cell: filterCell('model', 'model') },
  provider: { header: 'Provider', width: '90px', cell: (e) => e.provider ?? '—' },
  environment: {
    header: 'Environment',
    width: '100px',
    cell: filterCell('environment', 'environment'),
  },
  user: { header: 'User', width: 'minmax(80px, 0.7fr)', cell: filterCell('user', 'user') },
  duration: {
    header: 'Duration',
    width: '66px',
    align: 'right',
    cell: (e) => formatDuration(e.duration_ms),
  },
  tokens: {
    header: 'Tokens',
    width: '70px',
    align: 'right',
    cell: (e) => formatNumber(e.tokens_total),
  },
  cost: { header: 'Cost', width: '60px', align: 'right', cell: (e) => formatUsd(e.cost_usd) },
  tags: {
    header: 'Tags',
    width: 'minmax(90px, 1fr)',
    cell: (e, filterBy) =>
      e.tags.length === 0 ? (
        <span className="muted">—</span>
      ) : (
        <span className="tag-list">
          {e.tags.map((t) => (
            <FilterValue key={t} name="tag" value={t} filterBy={filterBy} />
          ))}
        </span>
      ),
  },
  trace_id: { header: 'Trace', width: '110px', cell: filterCell('trace_id', 'trace_id') },
  conversation_id: {
    header: 'Conversation',
    width: '110px',
    cell: filterCell('conversation_id', 'conversation_id'),
  },
  seq: { header: 'Seq', width: '70px', align: 'right', cell: (e) => formatNumber(e.seq) },
  id: { header: 'Id', width: '120px', cell: (e) => <span className="mono">{e.id}</span> },
}

export const DEFAULT_COLUMNS = [
  'time',
  'agent',
  'kind',
  'service',
  'title',
  'status',
  'model',
  'duration',
  'cost',
]

/** A metadata key's column id: `meta:` and the key. */
export const metaColumnId = (key: string) => `meta:${key}`

function metaText(value: unknown): string {
  if (value === undefined || value === null) return '—'
  return typeof value === 'string' ? value : JSON.stringify(value)
}

/** The `cols` URL parameter as column ids (`%` and `,` escaped in each, so keys may hold commas). */
export function parseColumns(param: string | undefined): string[] {
  if (!param) return DEFAULT_COLUMNS
  const ids = param
    .split(',')
    .map((s) => {
      try {
        return decodeURIComponent(s)
      } catch {
        return ''
      }
    })
    .filter((id) => id in COLUMN_SPECS || id.startsWith('meta:'))
  return ids.length > 0 ? ids : DEFAULT_COLUMNS
}

export function formatColumns(ids: readonly string[]): string | null {
  const same =
    ids.length === DEFAULT_COLUMNS.length && ids.every((c, i) => c === DEFAULT_COLUMNS[i])
  // Only `%` and `,` are escaped in an id: the rest stays readable once the URL is decoded.
  return same ? null : ids.map((id) => id.replace(/%/g, '%25').replace(/,/g, '%2C')).join(',')
}

/** The table's columns for the chosen ids; metadata values show as text, JSON for objects. */
export function buildColumns(ids: readonly string[], filterBy: FilterBy): Column<FeedEvent>[] {
  return ids.map((id) => {
    if (id.startsWith('meta:')) {
      const key = id.slice(5)
      return {
        id,
        header: key,
        width: 'minmax(80px, 0.8fr)',
        cell: (e: FeedEvent) => {
          const text = metaText(e.metadata[key])
          return <span title={text}>{text}</span>
        },
      }
    }
    const spec = COLUMN_SPECS[id]!
    return {
      id,
      header: spec.header,
      width: spec.width,
      align: spec.align,
      cell: (e: FeedEvent) => spec.cell(e, filterBy),
    }
  })
}

/** The metadata keys seen in the loaded rows, sorted, for the column picker. */
export function metadataKeys(rows: readonly FeedEvent[], limit = 2_000): string[] {
  const keys = new Set<string>()
  for (const e of rows.slice(0, limit)) for (const k of Object.keys(e.metadata ?? {})) keys.add(k)
  return [...keys].sort()
}
