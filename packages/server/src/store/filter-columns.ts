import type { EventFilter } from './store.js'

/** The event filters that are plain equality on one column, and the column each one tests. */
export const FILTER_COLUMNS: Partial<Record<keyof EventFilter, string>> = {
  agent: 'agent',
  service: 'service',
  action: 'action',
  status: 'status',
  kind: 'kind',
  environment: 'environment',
  user: 'user',
  traceId: 'trace_id',
  conversationId: 'conversation_id',
  model: 'model',
}

/** A LIKE pattern matching `text` anywhere, with `%`, `_` and `\` in it taken literally (ESCAPE '\'). */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`
}
