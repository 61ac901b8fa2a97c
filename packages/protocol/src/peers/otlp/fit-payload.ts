import { LIMITS } from '../../limits.js'

/**
 * Fitting a span into the event's limits (docs/api.md, "The event"), so a span with a long prompt is
 * stored cut rather than refused: an exporter cannot split a span, and a refused span is lost.
 * Every cut is named in `metadata.otel.truncated`.
 */

/** A string value kept under `metadata` at most this long (characters). */
export const METADATA_STRING_CHARS = 4_096

/** `text` cut to at most `chars` characters, never inside a surrogate pair, marked with `…`. */
export function cut(text: string, chars: number): string {
  if (text.length <= chars) return text
  let head = text.slice(0, chars - 1)
  if (/[\uD800-\uDBFF]$/.test(head)) head = head.slice(0, -1)
  return `${head}…`
}

/**
 * A bound on the bytes of `value`'s JSON that costs no serializing (a string counts 6 bytes a
 * character, the most an escape takes), or Infinity once past `limit`: most spans are far below
 * their limits, and this tells so without writing them out.
 */
export function jsonBytesAtMost(value: unknown, limit: number): number {
  let total = 0
  const stack: unknown[] = [value]
  while (stack.length > 0) {
    const v = stack.pop()
    if (typeof v === 'string') total += v.length * 6 + 2
    else if (v === null || typeof v !== 'object') total += 24
    else if (Array.isArray(v)) {
      total += 2 + v.length
      for (const item of v) stack.push(item)
    } else
      for (const key in v) {
        total += key.length * 6 + 4
        stack.push((v as Record<string, unknown>)[key])
      }
    if (total > limit) return Number.POSITIVE_INFINITY
  }
  return total
}

function jsonBytes(value: unknown): { text: string; bytes: number } {
  const text = JSON.stringify(value) ?? 'null'
  return { text, bytes: Buffer.byteLength(text) }
}

/**
 * A payload value of at most `maxBytes` of JSON: as it is when it fits; a list of messages keeps its
 * last messages that fit (the newest say most about the call); a string is cut; anything else
 * becomes `{ truncated_bytes, preview }` with the start of its JSON text.
 */
export function fitPayload(
  value: unknown,
  maxBytes: number = LIMITS.payloadBytes,
): { value: unknown; cut: boolean } {
  if (jsonBytesAtMost(value, maxBytes) <= maxBytes) return { value, cut: false }
  const { text, bytes } = jsonBytes(value)
  if (bytes <= maxBytes) return { value, cut: false }
  // JSON text is at most 6 bytes a character (`\u0001`), so this many characters always fit.
  const chars = Math.floor(maxBytes / 6) - 64
  if (typeof value === 'string') return { value: cut(value, chars), cut: true }
  if (Array.isArray(value) && value.length > 1) {
    let size = 2
    let from = value.length
    while (from > 0) {
      const next = jsonBytes(value[from - 1]).bytes + 1
      if (size + next > maxBytes) break
      size += next
      from--
    }
    if (from < value.length) return { value: value.slice(from), cut: true }
  }
  return { value: { truncated_bytes: bytes, preview: cut(text, chars) }, cut: true }
}

/**
 * Attributes kept under `metadata`, fitted: each string at most METADATA_STRING_CHARS characters,
 * and when they are still more than `maxBytes` of JSON, the largest dropped (their keys listed)
 * until the rest fits.
 */
export function fitAttributes(
  attributes: Record<string, unknown>,
  maxBytes: number,
): { value: Record<string, unknown>; cut: string[]; dropped: string[] } {
  const cutKeys: string[] = []
  let long = false
  for (const key in attributes) {
    const value = attributes[key]
    if (typeof value === 'string' && value.length > METADATA_STRING_CHARS) long = true
  }
  if (!long && jsonBytesAtMost(attributes, maxBytes) <= maxBytes)
    return { value: attributes, cut: cutKeys, dropped: [] }
  const sizes: Array<[string, number]> = []
  let total = 2
  for (const [key, value] of Object.entries(attributes)) {
    if (typeof value === 'string' && value.length > METADATA_STRING_CHARS) {
      attributes[key] = cut(value, METADATA_STRING_CHARS)
      cutKeys.push(key)
    }
    const size = Buffer.byteLength(key) + jsonBytes(attributes[key]).bytes + 4
    sizes.push([key, size])
    total += size
  }
  const dropped: string[] = []
  if (total > maxBytes)
    for (const [key, size] of sizes.sort((a, b) => b[1] - a[1])) {
      if (total <= maxBytes) break
      delete attributes[key]
      dropped.push(key)
      total -= size
    }
  return { value: attributes, cut: cutKeys, dropped }
}
