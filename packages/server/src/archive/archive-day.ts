import { activityFromEvent } from '@agenttrail/protocol'
import type { ActivityEvent, Event } from '@agenttrail/protocol'
import type { Cursor, EventFilter, EventStore } from '../store/store.js'
import { DAY_MS, HOUR_MS } from '../store/time-buckets.js'

/** One agent: an agent is one (org, environment, name). */
export interface AgentRef {
  orgId: string
  environment: string
  name: string
}

const PAGE = 1_000

const dayFilter = (agent: AgentRef, from: number, to: number): EventFilter => ({
  from,
  to,
  agent: agent.name,
  environment: agent.environment,
})

/** One archive line: the event as a Wiro ActivityEvent. */
export const activityLine = (event: Event): string =>
  `${JSON.stringify(activityFromEvent(event))}\n`

/**
 * The agent's events of the UTC day starting at `dayStart`, from the store, as JSONL text, oldest
 * first (the order of an activity file). Read one hour at a time, so memory holds one hour's events.
 */
export async function* storeDayLines(
  events: EventStore,
  agent: AgentRef,
  dayStart: number,
): AsyncGenerator<string> {
  for (let hour = dayStart; hour < dayStart + DAY_MS; hour += HOUR_MS) {
    const newestFirst: Event[] = []
    let after: Cursor | undefined
    do {
      const page = await events.query(agent.orgId, dayFilter(agent, hour, hour + HOUR_MS), {
        limit: PAGE,
        after,
      })
      newestFirst.push(...page.items)
      after = page.next
    } while (after)
    if (newestFirst.length > 0) yield newestFirst.reverse().map(activityLine).join('')
  }
}

/** The newest `limit` events of the agent's UTC day in the store, newest first. */
export async function storeDayNewest(
  events: EventStore,
  agent: AgentRef,
  dayStart: number,
  limit: number,
): Promise<ActivityEvent[]> {
  const found: ActivityEvent[] = []
  let after: Cursor | undefined
  while (found.length < limit) {
    const page = await events.query(agent.orgId, dayFilter(agent, dayStart, dayStart + DAY_MS), {
      limit: Math.min(PAGE, limit - found.length),
      after,
    })
    found.push(...page.items.map(activityFromEvent))
    if (!page.next) break
    after = page.next
  }
  return found
}

/** How many events the agent has on that UTC day in the store. */
export function storeDayCount(
  events: EventStore,
  agent: AgentRef,
  dayStart: number,
): Promise<number> {
  return events.count(agent.orgId, dayFilter(agent, dayStart, dayStart + DAY_MS))
}

/** `YYYY-MM-DD` of a UTC day start, and back. */
export const dayName = (dayStart: number): string => new Date(dayStart).toISOString().slice(0, 10)
export const dayStartOf = (date: string): number => Date.parse(`${date}T00:00:00Z`)
