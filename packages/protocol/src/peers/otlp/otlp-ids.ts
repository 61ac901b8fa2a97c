import { hash } from 'node:crypto'

const HEX = /^[0-9a-fA-F]+$/
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/

/**
 * A trace id (16 bytes) or span id (8 bytes) as lower-case hex, or a reason it is not one. OTLP/JSON
 * sends hex (32 or 16 digits, any case); base64 (24 or 12 characters) is taken too, as some
 * encoders send the protobuf JSON mapping's default. An id of all zeros is invalid (OTLP spec).
 */
export function parseId(
  value: unknown,
  bytes: 16 | 8,
): { ok: true; hex: string } | { ok: false; reason: string } {
  const what = bytes === 16 ? 'traceId' : 'spanId'
  const expected = `${what} must be ${bytes * 2} hex digits (${bytes} bytes)`
  if (typeof value !== 'string') return { ok: false, reason: `${expected}; it is missing` }
  let hex: string | undefined
  if (value.length === bytes * 2 && HEX.test(value)) hex = value.toLowerCase()
  else if (value.length === Math.ceil(bytes / 3) * 4 && BASE64.test(value)) {
    const decoded = Buffer.from(value, 'base64')
    if (decoded.length === bytes) hex = decoded.toString('hex')
  }
  if (hex === undefined) return { ok: false, reason: `${expected}; ${sizeOf(value)}` }
  if (/^0+$/.test(hex)) return { ok: false, reason: `${what} must not be all zeros` }
  return { ok: true, hex }
}

/** How long an id that is not one is: in hex digits, else in bytes of base64, else in characters. */
function sizeOf(value: string): string {
  if (value.length % 2 === 0 && HEX.test(value))
    return `it has ${value.length / 2} bytes (${value.length} hex digits)`
  if (value.length % 4 === 0 && BASE64.test(value)) {
    const n = Buffer.from(value, 'base64').length
    return `it has ${n} byte${n === 1 ? '' : 's'}`
  }
  return `it has ${value.length} characters`
}

/** A parent span id: absent or empty means a root span. */
export function parseParentId(
  value: unknown,
): { ok: true; hex: string | null } | { ok: false; reason: string } {
  if (value === undefined || value === null || value === '') return { ok: true, hex: null }
  const parsed = parseId(value, 8)
  return parsed.ok ? parsed : { ok: false, reason: `parentSpanId: ${parsed.reason}` }
}

/**
 * A `fixed64` time in Unix nanoseconds (decimal text or a number) as Unix milliseconds with a
 * fraction (exact to a fraction of a microsecond, which a double holds at today's dates; cheaper
 * than BigInt), or null when absent or zero (OTLP: 0 means unknown).
 */
export function parseUnixNanos(value: unknown): number | null {
  let ms: number | null = null
  if (typeof value === 'string' && /^\d{1,20}$/.test(value))
    ms =
      value.length > 6
        ? Number(value.slice(0, -6)) + Number(value.slice(-6)) / 1e6
        : Number(value) / 1e6
  else if (typeof value === 'number' && Number.isFinite(value) && value > 0) ms = value / 1e6
  return ms === null || ms === 0 ? null : ms
}

/**
 * The event id of a span or log record: a UUID computed from what names it (`parts`, such as its
 * trace and span ids), so an exporter that sends it again gets the same id and the store keeps one
 * copy. Laid out like a UUIDv7 (the first 48 bits are the milliseconds of `ms`, so ids sort by
 * time as the store's own do) but with version 8 (RFC 9562 §5.8, custom), since the other bits are
 * a SHA-256 of `parts`, not random.
 */
export function deterministicEventId(parts: readonly string[], at: number | null): string {
  const ms = at === null ? null : Math.floor(at)
  const bytes = hash('sha256', parts.join('\u0000'), 'buffer').subarray(0, 16)
  if (ms !== null && ms >= 0 && ms < 2 ** 48) {
    bytes[0] = Math.floor(ms / 2 ** 40) & 0xff
    bytes[1] = Math.floor(ms / 2 ** 32) & 0xff
    bytes[2] = (ms >>> 24) & 0xff
    bytes[3] = (ms >>> 16) & 0xff
    bytes[4] = (ms >>> 8) & 0xff
    bytes[5] = ms & 0xff
  }
  bytes[6] = 0x80 | ((bytes[6] ?? 0) & 0x0f)
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f)
  const hex = bytes.toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}
