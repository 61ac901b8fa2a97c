import type { FeedEvent } from './event-model'

/**
 * Every filter `GET /api/v1/events` takes, by its query parameter name. The URL of the Events view
 * uses the same names, so a view's URL, its API request and its export all say the same thing.
 */
export const FILTER_KEYS = [
  'environment',
  'q',
  'agent',
  'service',
  'action',
  'status',
  'kind',
  'user',
  'model',
  'tag',
  'trace_id',
  'conversation_id',
  'from',
  'to',
] as const

export type FilterKey = (typeof FILTER_KEYS)[number]
export type EventFilters = Partial<Record<FilterKey, string>>

/** Filters a person sees as chips: everything but the header's environment. */
export const CHIP_LABELS: Record<Exclude<FilterKey, 'environment'>, string> = {
  q: 'Search',
  agent: 'Agent',
  service: 'Service',
  action: 'Action',
  status: 'Status',
  kind: 'Kind',
  user: 'User',
  model: 'Model',
  tag: 'Tag',
  trace_id: 'Trace',
  conversation_id: 'Conversation',
  from: 'From',
  to: 'To',
}

/** The filters set in the URL's parameters (empty values are not filters). */
export function readFilters(params: Record<string, string>): EventFilters {
  const out: EventFilters = {}
  for (const key of FILTER_KEYS) if (params[key]) out[key] = params[key]
  return out
}

/** Whether any filter narrows the feed beyond the environment. */
export function hasNarrowingFilters(filters: EventFilters): boolean {
  return FILTER_KEYS.some((k) => k !== 'environment' && filters[k] !== undefined)
}

/** `GET /api/v1/events?...` for these filters, as JSON pages or as a CSV or JSONL download. */
export function eventsUrl(filters: EventFilters, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams()
  for (const key of FILTER_KEYS) if (filters[key]) params.set(key, filters[key])
  for (const [k, v] of Object.entries(extra)) params.set(k, v)
  const s = params.toString()
  return `/api/v1/events${s ? `?${s}` : ''}`
}

/** Text without accents, lower case: how the server's full-text index folds words. */
function fold(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase()
}

/** The words of a search, as the server's tokenizer sees them (letters and digits, at most 16). */
export function searchWords(q: string): string[] {
  return [...new Set((fold(q).match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 16))]
}

function collectWords(value: unknown, out: Set<string>): void {
  if (typeof value === 'string')
    for (const w of fold(value).match(/[\p{L}\p{N}]+/gu) ?? []) out.add(w)
  else if (typeof value === 'number' || typeof value === 'boolean') out.add(String(value))
  else if (Array.isArray(value)) for (const item of value) collectWords(item, out)
  else if (value !== null && typeof value === 'object')
    for (const item of Object.values(value)) collectWords(item, out)
}

/**
 * Whether a live event belongs in the feed the filters describe. It mirrors the server's query:
 * exact fields, one tag among the event's tags, `from` inclusive and `to` exclusive on `ts`, and
 * every search word present among the words of the title, input, output and error.
 */
export function matchesFilters(e: FeedEvent, f: EventFilters): boolean {
  const exact: [FilterKey, string | null][] = [
    ['environment', e.environment],
    ['agent', e.agent],
    ['service', e.service],
    ['action', e.action],
    ['status', e.status],
    ['kind', e.kind],
    ['user', e.user],
    ['model', e.model],
    ['trace_id', e.trace_id],
    ['conversation_id', e.conversation_id],
  ]
  for (const [key, value] of exact) if (f[key] !== undefined && f[key] !== value) return false
  if (f.tag !== undefined && !e.tags.includes(f.tag)) return false
  const ts = Date.parse(e.ts)
  if (f.from !== undefined && ts < Date.parse(f.from)) return false
  if (f.to !== undefined && ts >= Date.parse(f.to)) return false
  if (f.q !== undefined) {
    const words = new Set<string>()
    collectWords([e.title, e.input, e.output, e.error], words)
    if (!searchWords(f.q).every((w) => words.has(w))) return false
  }
  return true
}
