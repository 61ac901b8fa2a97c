import type { AgentRef } from '../../../archive/archive-day.js'
import { storeDayLines } from '../../../archive/archive-day.js'
import type { EventStore } from '../../../store/store.js'

/** Days whose size is remembered; the least recently used is forgotten first. */
const MAX_DAYS = 10_000

/**
 * The byte size of an agent's day rendered as JSONL (what its archive file will hold), for the days
 * `LogsList` reports that have no file yet. Rendering a day reads all its events, so each size is
 * remembered with the day's event count and rendered again only when the count changes: events are
 * immutable and a day only gains events or loses all of them to a delete, so an unchanged count is
 * an unchanged day. (A day deleted and refilled with exactly as many other events would keep its
 * old size until its count moves; the size is informational, the events are always read fresh.)
 */
export function createRenderedSizes() {
  const sizes = new Map<string, { events: number; bytes: number }>()
  return {
    async bytes(
      events: EventStore,
      agent: AgentRef,
      dayStart: number,
      count: number,
    ): Promise<number> {
      const key = `${agent.orgId}\u0000${agent.environment}\u0000${agent.name}\u0000${dayStart}`
      const known = sizes.get(key)
      sizes.delete(key)
      if (known?.events === count) {
        sizes.set(key, known)
        return known.bytes
      }
      let bytes = 0
      for await (const chunk of storeDayLines(events, agent, dayStart))
        bytes += Buffer.byteLength(chunk)
      sizes.set(key, { events: count, bytes })
      if (sizes.size > MAX_DAYS) sizes.delete(sizes.keys().next().value as string)
      return bytes
    },
  }
}

export type RenderedSizes = ReturnType<typeof createRenderedSizes>
