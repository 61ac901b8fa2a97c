import { eventsUrl } from './event-filters'
import type { EventFilters } from './event-filters'
import { Menu } from './menu'

/**
 * Downloads of exactly the feed's filters. `GET /api/v1/events?format=csv|jsonl` takes every filter
 * the feed does (search, kind, model, tag, time range, ...) and streams every matching row in
 * constant memory; a plain link carries the session cookie, so the browser does the download.
 */
export function ExportMenu({ filters }: { filters: EventFilters }) {
  return (
    <Menu label="Export" panelLabel="Export">
      <p className="muted">Every event matching the current filters, newest first.</p>
      <a className="button" href={eventsUrl(filters, { format: 'csv' })} download>
        Download CSV
      </a>
      <a className="button" href={eventsUrl(filters, { format: 'jsonl' })} download>
        Download JSONL
      </a>
    </Menu>
  )
}
