import { ToolInputError } from './tool-error.js'

/** A page position and the time window of the search it continues. */
export interface WindowCursor {
  cursor: string
  from: string | null
  to: string | null
}

const PREFIX = 'w1.'

// A search without `from` defaults to "the last 24 hours", which moves while a client pages; the
// cursor carries the window of the first page so later pages continue the same search.

/** The server's cursor with the search window, as one opaque string. */
export function writeCursor(value: WindowCursor): string {
  return (
    PREFIX + Buffer.from(JSON.stringify([value.cursor, value.from, value.to])).toString('base64url')
  )
}

/** Reads a cursor of `writeCursor`; a tool error when it is not one. */
export function readCursor(text: string): WindowCursor {
  try {
    if (!text.startsWith(PREFIX)) throw new Error('prefix')
    const [cursor, from, to] = JSON.parse(
      Buffer.from(text.slice(PREFIX.length), 'base64url').toString('utf8'),
    ) as unknown[]
    if (typeof cursor !== 'string') throw new Error('shape')
    const instant = (v: unknown) => (typeof v === 'string' ? v : null)
    return { cursor, from: instant(from), to: instant(to) }
  } catch {
    throw new ToolInputError(
      'cursor is not a next_cursor of search_events: pass the next_cursor of the previous page unchanged, or leave cursor out to start again.',
    )
  }
}
