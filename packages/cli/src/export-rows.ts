import { CSV_COLUMNS, csvRow } from '@agenttrail/protocol'
import type { StoredEvent } from 'agenttrail'

/**
 * The lines of an export, byte for byte those of the server's `GET /api/v1/events?format=jsonl`
 * or `format=csv` (the same columns, quoting and formula guard: the helpers the server uses, from the protocol
 * package, so an export does not load the server).
 */
export const exportRows = {
  /** The first line of the file: the CSV header; JSONL has none. */
  header(format: 'jsonl' | 'csv'): string {
    return format === 'csv' ? csvRow(CSV_COLUMNS) : ''
  },
  /** One line per event. */
  render(format: 'jsonl' | 'csv', events: readonly StoredEvent[]): string {
    return events
      .map((e) =>
        format === 'csv'
          ? csvRow(CSV_COLUMNS.map((column) => (e as Record<string, unknown>)[column]))
          : `${JSON.stringify(e)}\n`,
      )
      .join('')
  },
}
