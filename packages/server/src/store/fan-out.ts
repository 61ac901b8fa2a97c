import type { ControlNote } from '@agenttrail/protocol'
import type { EventRow } from './event-row.js'
import type { SubscriptionRecord } from './notify-store.js'
import { EVENTS_ROW, announcementsOf } from './outbox-rows.js'
import type { AnnouncedEvent } from './outbox-rows.js'
import { wants } from './subscription-rows.js'

/** An outbox row as both dialects read it back (numbers may arrive as strings from PostgreSQL). */
export interface StoredOutboxRow {
  id: number | string
  org_id: string
  topic: string
  seq: number | string | null
  seq_to: number | string | null
  environment: string
  data: string
  created_at: number | string
}

/** A delivery to insert, in the deliveries table's column order after `org_id` and `id`. */
export interface NewDelivery {
  subscription_id: string
  topic: string
  event_id: string | null
  agent: string | null
  environment: string
  data: string
  announced_at: number
}

/** How many events a row names (1 for a batch row): what a fan-out's size is counted in. */
export const rowWeight = (r: StoredOutboxRow) =>
  r.topic === EVENTS_ROW ? Number(r.seq_to) - Number(r.seq) + 1 : 1

/** The prefix of `rows` (in id order) that a fan-out of at most `maxEvents` takes: at least one row. */
export function takeRows<R extends StoredOutboxRow>(rows: readonly R[], maxEvents: number): R[] {
  const out: R[] = []
  let events = 0
  for (const r of rows) {
    if (out.length > 0 && events + rowWeight(r) > maxEvents) break
    out.push(r)
    events += rowWeight(r)
  }
  return out
}

/** A stored event as `announcementsOf` reads it. */
export function announcedEvent(r: EventRow): AnnouncedEvent {
  return {
    id: r.id,
    seq: Number(r.seq),
    ts: Number(r.ts),
    environment: r.environment,
    agent: r.agent,
    kind: r.kind,
    service: r.service,
    action: r.action,
    status: r.status,
    trace_id: r.trace_id,
    cost_micros: r.cost_micros === null ? null : Number(r.cost_micros),
    duration_ms: r.duration_ms === null ? null : Number(r.duration_ms),
    metadata: r.metadata,
    control: r.control === null ? null : (JSON.parse(r.control) as ControlNote),
  }
}

/**
 * The deliveries one outbox row makes: for an events row, one per announcement of each of its
 * events (still stored: an event erased meanwhile announces nothing) and subscription that wants
 * it; for a batch row, one per subscription to `batch.logged`. Subscriptions created after the row
 * are not sent it. Pure; both dialects' fan-out call it.
 */
export function deliveriesOf(
  row: StoredOutboxRow,
  events: readonly EventRow[],
  subscriptions: readonly SubscriptionRecord[],
): NewDelivery[] {
  const at = Number(row.created_at)
  const out: NewDelivery[] = []
  const add = (
    topic: string,
    agent: string | null,
    environment: string,
    data: string,
    eventId: string | null,
  ) => {
    for (const s of subscriptions)
      if (wants(s, { topic, agent, created_at: at }))
        out.push({
          subscription_id: s.id,
          topic,
          event_id: eventId,
          agent,
          environment,
          data,
          announced_at: at,
        })
  }
  if (row.topic !== EVENTS_ROW) {
    add(row.topic, null, row.environment, row.data, null)
    return out
  }
  for (const r of events)
    for (const a of announcementsOf(announcedEvent(r)))
      add(a.topic, a.agent, r.environment, a.data, r.id)
  return out
}
