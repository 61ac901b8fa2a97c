import { AppError } from '../app-error.js'
import type { Cursor } from './store.js'

/** Opaque page cursors: base64url of `ts.id`. Shared by every dialect. */
export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(`${cursor.ts}.${cursor.id}`).toString('base64url')
}

export function decodeCursor(text: string): Cursor {
  const raw = /^[A-Za-z0-9_-]{1,400}$/.test(text) ? Buffer.from(text, 'base64url').toString() : ''
  const match = /^(\d{1,16})\.([0-9a-f-]{36})$/.exec(raw)
  if (!match)
    throw new AppError(
      'invalid_cursor',
      'cursor is not one this server issued; start again without it',
    )
  return { ts: Number(match[1]), id: match[2] as string }
}
