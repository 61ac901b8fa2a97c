import type { Context } from 'hono'
import { AppError } from '../app-error.js'

/**
 * Reads a JSON body of at most `maxBytes`: 413 beyond it (checked on the declared length before
 * reading, and on the bytes actually read), 400 with the parser's position when it is not JSON.
 */
export async function readJson(c: Context, maxBytes: number): Promise<{ value: unknown; text: string }> {
  const declared = Number(c.req.header('content-length') ?? Number.NaN)
  if (declared > maxBytes) throw tooLarge(maxBytes)
  const reader = c.req.raw.body?.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  if (reader) {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      size += value.byteLength
      if (size > maxBytes) {
        await reader.cancel()
        throw tooLarge(maxBytes)
      }
      chunks.push(value)
    }
  }
  const text = Buffer.concat(chunks).toString('utf8')
  if (text.trim() === '') throw new AppError('invalid_json', 'the request body is empty; send a JSON object')
  try {
    return { value: JSON.parse(text), text }
  } catch (error) {
    const detail = error instanceof SyntaxError ? error.message.replace(/"(?:[^"\\]|\\.)*"/g, '…') : 'unreadable'
    throw new AppError('invalid_json', `the request body is not valid JSON (${detail.slice(0, 120)})`)
  }
}

function tooLarge(maxBytes: number): AppError {
  return new AppError('payload_too_large', `the request body is larger than ${maxBytes} bytes; split it into smaller requests`)
}
