// Tool results go into a model's context, so long values are cut with a marker that says how much
// was left out and which call gets the rest (like pulsemcp's Langfuse server, which cuts at 1000).

/** Characters kept of one long value in a single record (`get_event`, `get_call`). Default 1000. */
export const DEFAULT_MAX_CHARS = 1000
/** Characters kept of one long value per row of a list. Default 200. */
export const LIST_MAX_CHARS = 200
/** The most a caller may ask for with `max_chars`. */
export const MAX_MAX_CHARS = 100_000

/**
 * `value` if short; otherwise its first `maxChars` characters (JSON text for an object or array)
 * followed by `… [truncated: N of M characters; <how>]`. Numbers, booleans and null stay as they are.
 */
export function cut(value: unknown, maxChars: number, how: string): unknown {
  if (value === null || value === undefined) return value
  if (typeof value !== 'string' && typeof value !== 'object') return value
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  if (text.length <= maxChars) return value
  return `${text.slice(0, maxChars)}… [truncated: ${text.length - maxChars} of ${text.length} characters left out; ${how}]`
}

/** Every field of a record cut to `maxChars`, except those in `keep` (ids, times). */
export function cutFields(
  record: Record<string, unknown>,
  maxChars: number,
  how: string,
  keep: readonly string[] = KEEP,
): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [field, value] of Object.entries(record))
    out[field] = keep.includes(field) ? value : cut(value, maxChars, how)
  return out
}

const KEEP = ['id', 'ts', 'seq', 'org_id', 'trace_id', 'conversation_id', 'span_id']

/** The marker's hint for an event: which call returns it in full. */
export function moreOfEvent(id: string, maxChars: number): string {
  return `call get_event with id "${id}" and max_chars above ${maxChars} (up to ${MAX_MAX_CHARS}) for more`
}

/** The first `n` items, and how many were left out. */
export function capList<T>(items: readonly T[], n: number): { items: T[]; omitted: number } {
  return { items: items.slice(0, n), omitted: Math.max(0, items.length - n) }
}
