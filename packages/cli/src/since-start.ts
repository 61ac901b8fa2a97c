import type { TrailReader } from 'agenttrail'
import { INSTANT_FORMS, parseInstant } from './time-arg.js'

/** Where a stream starts: after `lastEventId`, dropping events older than `notBefore` (ms). */
export interface SinceStart {
  lastEventId?: string
  notBefore?: number
}

/** A `--since` the user must change (exit 2). */
export class SinceError extends Error {}

/**
 * Where `tail --since` starts. `head` is the highest seq of the org's newest events (0 when it has
 * none; see tail-command.ts).
 *
 * - A whole number of up to 9 digits is a seq; one above `head` is refused (it would print
 *   nothing until the org passed it). Ten or more digits are epoch milliseconds, a time.
 * - An event id starts after that event.
 * - A time starts before the smallest seq of any event with `ts` at or after it. `ts` is set by
 *   the client and seq is commit order, so a backdated event committed late has a higher seq than
 *   newer events: starting after the last event before the time would skip them. The stream
 *   replays by seq, and `notBefore` drops the events older than the time that the replay brings.
 *   Finding that seq reads every event since the time, 1,000 a request: `--since 7d` on a busy
 *   trail takes a while before the first line.
 */
export async function sinceStart(
  reader: TrailReader,
  since: string,
  head: number,
): Promise<SinceStart> {
  if (/^\d{1,9}$/.test(since)) {
    if (Number(since) > head)
      throw new SinceError(
        `--since ${since} is past the newest event (seq ${head}): give a seq up to ${head}, an event id (exact for a backdated event) or a time`,
      )
    return { lastEventId: since }
  }
  const at = parseInstant(since)
  if (at !== undefined) {
    // Nothing at or after the time yet: from the head, so what commits from now on is printed.
    let first = head + 1
    for await (const page of reader.pages({ from: at, limit: 1000 }))
      for (const event of page.events) first = Math.min(first, event.seq)
    return { lastEventId: String(first - 1), notBefore: Date.parse(at) }
  }
  if (/^[0-9a-f-]{36}$/i.test(since)) {
    const event = await reader.event(since)
    return { lastEventId: String(event.seq) }
  }
  throw new SinceError(`--since "${since}" is not a seq, an event id or ${INSTANT_FORMS}`)
}
