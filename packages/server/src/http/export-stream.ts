import { CSV_COLUMNS, csvRow } from '@agenttrail/protocol'
import type { Event } from '@agenttrail/protocol'
import type { Cursor, EventFilter, Store } from '../store/store.js'

const EXPORT_PAGE = 1_000

/** How exported rows look: the native event, or a surface's own row shape. */
export interface ExportShape {
  columns: readonly string[]
  row: (e: Event) => object
  /** File name stem. */
  name: string
}

const NATIVE_SHAPE: ExportShape = { columns: CSV_COLUMNS, row: (e) => e, name: 'events' }

/**
 * Every event matching the filter as a CSV or JSONL download, pulled from the store one page of
 * 1,000 at a time as the client reads: memory stays flat whatever the number of rows.
 */
export async function exportEvents(
  store: Store,
  orgId: string,
  filter: EventFilter,
  after: Cursor | undefined,
  format: 'csv' | 'jsonl',
  shape: ExportShape = NATIVE_SHAPE,
): Promise<Response> {
  // The first page is read before answering, so a bad filter (a q without words, say) is a 400.
  let page: Awaited<ReturnType<Store['events']['query']>> | undefined = await store.events.query(
    orgId,
    filter,
    {
      limit: EXPORT_PAGE,
      after,
    },
  )
  const csv = format === 'csv'
  const render = (events: Event[]) =>
    events
      .map((e) => {
        const row = shape.row(e)
        return csv
          ? csvRow(shape.columns.map((col) => (row as Record<string, unknown>)[col]))
          : `${JSON.stringify(row)}\n`
      })
      .join('')
  const encoder = new TextEncoder()
  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        if (csv) controller.enqueue(encoder.encode(csvRow(shape.columns)))
      },
      async pull(controller) {
        if (!page) return controller.close()
        const current = page
        controller.enqueue(encoder.encode(render(current.items)))
        page = current.next
          ? await store.events.query(orgId, filter, { limit: EXPORT_PAGE, after: current.next })
          : undefined
      },
    },
    { highWaterMark: 1 },
  )
  const stamp = new Date().toISOString().replace(/[:.]/g, '-')
  return new Response(stream, {
    headers: {
      'Content-Type': csv ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
      'Content-Disposition': `attachment; filename="${shape.name}-${stamp}.${format}"`,
    },
  })
}
