import { LIMITS } from '@agenttrail/protocol'
import { AppError } from '../app-error.js'
import type { ConversationCursor, TimelinePosition } from './conversation-store.js'

/** Where a paged timeline read is: the position, and the `since`/`upTo` snapshot it started from. */
export interface TimelineCursor extends TimelinePosition {
  since: number
  upTo: number
}

const refuse = (): never => {
  throw new AppError(
    'invalid_cursor',
    'cursor is not one this server issued; start again without it',
  )
}

/** Decodes base64url JSON, or refuses. Conversation ids are free text, so the cursor is JSON, not `ts.id`. */
function decodeJson(text: string): unknown {
  if (!/^[A-Za-z0-9_-]{1,2000}$/.test(text)) refuse()
  try {
    return JSON.parse(Buffer.from(text, 'base64url').toString()) as unknown
  } catch {
    return refuse()
  }
}

const whole = (v: unknown): v is number =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0

/** Opaque cursor of the conversation list: base64url of `["c", lastTs, id]`. */
export function encodeConversationCursor(cursor: ConversationCursor): string {
  return Buffer.from(JSON.stringify(['c', cursor.lastTs, cursor.id])).toString('base64url')
}

export function decodeConversationCursor(text: string): ConversationCursor {
  const value = decodeJson(text)
  if (!Array.isArray(value) || value.length !== 3 || value[0] !== 'c') return refuse()
  const [, lastTs, id] = value as [string, unknown, unknown]
  if (!whole(lastTs) || typeof id !== 'string' || id.length === 0 || id.length > LIMITS.shortString)
    return refuse()
  return { lastTs, id }
}

/** Opaque cursor of a timeline: base64url of `["t", ts, seq, since, upTo]`. */
export function encodeTimelineCursor(cursor: TimelineCursor): string {
  return Buffer.from(
    JSON.stringify(['t', cursor.ts, cursor.seq, cursor.since, cursor.upTo]),
  ).toString('base64url')
}

export function decodeTimelineCursor(text: string): TimelineCursor {
  const value = decodeJson(text)
  if (!Array.isArray(value) || value.length !== 5 || value[0] !== 't') return refuse()
  const [, ts, seq, since, upTo] = value as unknown[]
  if (!whole(ts) || !whole(seq) || !whole(since) || !whole(upTo) || since > upTo) return refuse()
  return { ts, seq, since, upTo }
}
