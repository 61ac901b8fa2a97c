import type { ConversationFilter } from './conversation-store.js'

/** The filters answered from `conversation_members` ("any event of the conversation matches"). */
export type MemberDim = 'agent' | 'model'

/**
 * Below this many member rows (conversation, environment) an agent or model is rare enough that
 * listing its conversations and sorting them is cheaper than walking the org's newest
 * conversations and asking each whether it matches. Walking costs about `page size / share of
 * conversations that match` index seeks; listing costs one seek per member row plus a sort of
 * at most this many rows (about 2 ms on SQLite). So a page costs at most about this many seeks
 * (or `page size × conversations / this` when walking) whatever the org's history.
 */
export const MEMBER_DRIVE_LIMIT = 2_000

/** The member filters this conversation filter sets, each with its value. */
export function memberFilters(filter: ConversationFilter): Array<[MemberDim, string]> {
  const out: Array<[MemberDim, string]> = []
  if (filter.agent !== undefined) out.push(['agent', filter.agent])
  if (filter.model !== undefined) out.push(['model', filter.model])
  return out
}

/**
 * Which member filter should drive the page, given how many member rows each has (counted up to
 * MEMBER_DRIVE_LIMIT): the rarest, when it is under the limit; otherwise none (walk in order).
 */
export function memberDriver(counts: ReadonlyArray<[MemberDim, number]>): MemberDim | undefined {
  let best: [MemberDim, number] | undefined
  for (const entry of counts)
    if (entry[1] < MEMBER_DRIVE_LIMIT && (!best || entry[1] < best[1])) best = entry
  return best?.[0]
}
