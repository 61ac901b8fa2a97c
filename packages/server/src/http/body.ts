import type { IncomingMessage } from 'node:http'
import { promisify } from 'node:util'
import { gunzip } from 'node:zlib'
import type { Context } from 'hono'
import { AppError } from '../app-error.js'

const gunzipAsync = promisify(gunzip)

/**
 * Reads a JSON body of at most `maxBytes`: 413 beyond it (checked on the declared length before
 * reading, and on the bytes actually read), 400 with the parser's position when it is not JSON.
 */
export async function readJson(
  c: Context,
  maxBytes: number,
): Promise<{ value: unknown; text: string }> {
  const declared = Number(c.req.header('content-length') ?? Number.NaN)
  if (declared > maxBytes) throw tooLarge(maxBytes)
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming
  // On a real socket, read the Node stream itself: building a web Request body costs more than the rest of an append.
  const text = (
    incoming ? await readNode(incoming, maxBytes) : await readWeb(c.req.raw.body, maxBytes)
  ).toString('utf8')
  if (text.trim() === '')
    throw new AppError('invalid_json', 'the request body is empty; send a JSON object')
  if (holdsNul(text))
    throw new AppError(
      'invalid_json',
      'the request body holds a NUL character (\\u0000), which cannot be stored; remove it',
    )
  return { value: parseJson(text), text }
}

/**
 * JSON text parsed; otherwise a 400 `invalid_json` with the parser's position (quoted text in its
 * message is elided: it would be the sender's payload).
 */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch (error) {
    const detail =
      error instanceof SyntaxError ? error.message.replace(/"(?:[^"\\]|\\.)*"/g, '…') : 'unreadable'
    throw new AppError(
      'invalid_json',
      `the request body is not valid JSON (${detail.slice(0, 120)})`,
    )
  }
}

/** The request's media type, lower case, without parameters (`application/json; charset=utf-8`). */
export function mediaType(c: Context): string {
  return (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
}

/**
 * Reads a body of one of `types` as bytes: 415 for another media type (before reading) or a
 * `Content-Encoding` other than gzip; 413 beyond `maxBytes`, as sent or once decompressed (so a small
 * gzip bomb is refused after `maxBytes` of output, not held in memory); 400 for a gzip body that
 * does not decompress. An empty body is empty bytes.
 */
export async function readBytes(
  c: Context,
  maxBytes: number,
  types: readonly string[],
): Promise<{ bytes: Buffer; type: string }> {
  const type = mediaType(c)
  if (!types.includes(type))
    throw new AppError(
      'unsupported_media_type',
      `Content-Type must be ${types.join(' or ')}${type ? `, not ${type}` : ''}`,
    )
  const encoding = (c.req.header('content-encoding') ?? 'identity').trim().toLowerCase()
  if (encoding !== 'identity' && encoding !== 'gzip' && encoding !== 'x-gzip')
    throw new AppError(
      'unsupported_media_type',
      `Content-Encoding must be gzip or none, not ${encoding.slice(0, 40)}`,
    )
  const declared = Number(c.req.header('content-length') ?? Number.NaN)
  if (declared > maxBytes) throw tooLarge(maxBytes)
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming
  const sent = incoming
    ? await readNode(incoming, maxBytes)
    : await readWeb(c.req.raw.body, maxBytes)
  if (encoding === 'identity' || sent.length === 0) return { bytes: sent, type }
  try {
    return { bytes: await gunzipAsync(sent, { maxOutputLength: maxBytes }), type }
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(maxBytes)
    throw new AppError(
      'invalid_body',
      'the request body is not valid gzip (Content-Encoding: gzip); send it compressed whole, or without the header',
    )
  }
}

/**
 * True when the JSON text holds the escape `\u0000` (a raw NUL is not valid JSON): PostgreSQL's text
 * and jsonb cannot hold that character, so every store refuses it alike, at the door. An escaped
 * backslash before `u0000` (`\\u0000`, the six characters themselves) is not a NUL.
 */
function holdsNul(text: string): boolean {
  return text.includes('\\u0000') && /(?:^|[^\\])(?:\\\\)*\\u0000/.test(text)
}

function tooLarge(maxBytes: number): AppError {
  return new AppError(
    'payload_too_large',
    `the request body is larger than ${maxBytes} bytes; split it into smaller requests`,
  )
}

function readNode(incoming: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > maxBytes) {
        incoming.off('data', onData)
        incoming.resume()
        reject(tooLarge(maxBytes))
      } else chunks.push(chunk)
    }
    incoming.on('data', onData)
    incoming.once('end', () =>
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)),
    )
    incoming.once('error', reject)
  })
}

async function readWeb(body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<Buffer> {
  const chunks: Uint8Array[] = []
  let size = 0
  const reader = body?.getReader()
  if (!reader) return Buffer.alloc(0)
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
  return Buffer.concat(chunks)
}
