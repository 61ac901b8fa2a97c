import { AppError } from '../../../app-error.js'
import type { Cursor } from '../../../store/store.js'

/** AgentLedger's cursor: base64 of `{"created_at": ISO, "id": uuid}` (agentledger-wire.md §2.1). */
export function encodeActionCursor(cursor: Cursor): string {
  return Buffer.from(
    JSON.stringify({ created_at: new Date(cursor.ts).toISOString(), id: cursor.id }),
  ).toString('base64')
}

export function decodeActionCursor(text: string): Cursor {
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64').toString('utf8'))
  } catch {
    parsed = undefined
  }
  const { created_at: createdAt, id } = (parsed ?? {}) as { created_at?: unknown; id?: unknown }
  const ts = typeof createdAt === 'string' ? Date.parse(createdAt) : Number.NaN
  if (Number.isNaN(ts) || typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id))
    throw new AppError(
      'invalid_cursor',
      'Invalid cursor: pass back the nextCursor of the previous page',
    )
  return { ts, id: id.toLowerCase() }
}
