import type { Event } from '@agenttrail/protocol'
import type { Cursor, EventFilter, EventStore } from './store.js'

/**
 * Every event matching the filter, newest first, read page by page up to `max` events.
 * `truncated` says more matched than were read.
 */
export async function queryAll(
  events: Pick<EventStore, 'query'>,
  orgId: string,
  filter: EventFilter,
  max: number,
  pageSize = 1_000,
): Promise<{ items: Event[]; truncated: boolean }> {
  const items: Event[] = []
  let after: Cursor | undefined
  do {
    const page = await events.query(orgId, filter, {
      limit: Math.min(pageSize, max - items.length),
      after,
    })
    items.push(...page.items)
    after = page.next
  } while (after && items.length < max)
  return { items, truncated: after !== undefined }
}
