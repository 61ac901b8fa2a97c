import type { Event } from './event-schema.js'

// The CSV rows of an export, shared by the server's `GET /api/v1/events?format=csv` and the
// command line's `agenttrail export`, so both write the same bytes without the CLI loading the
// server.

/** The columns of `GET /api/v1/events?format=csv`, in order. */
export const CSV_COLUMNS = [
  'id',
  'seq',
  'ts',
  'received_at',
  'environment',
  'agent',
  'user',
  'kind',
  'service',
  'action',
  'status',
  'title',
  'trace_id',
  'span_id',
  'parent_span_id',
  'conversation_id',
  'provider',
  'model',
  'tokens_input',
  'tokens_output',
  'tokens_cache_read',
  'tokens_cache_write',
  'tokens_total',
  'cost_usd',
  'cost_source',
  'stop_reason',
  'duration_ms',
  'tags',
  'input',
  'output',
  'error',
  'metadata',
] as const satisfies ReadonlyArray<keyof Event>

/**
 * One CSV cell (RFC 4180). Text that a spreadsheet would run as a formula (leading `=`, `+`, `-`,
 * `@`, tab or carriage return) gets a leading apostrophe, per OWASP's CSV injection advice.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return ''
  let text =
    typeof value === 'string'
      ? value
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value)
  if (typeof value !== 'number' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/** One CSV line of cells, ended by CRLF (RFC 4180). */
export function csvRow(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(',')}\r\n`
}
