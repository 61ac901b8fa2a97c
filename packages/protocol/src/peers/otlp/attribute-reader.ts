import { nestedDeeperThan } from '../../json-depth.js'
import { setOwn } from './otlp-value.js'
import type { Attributes } from './otlp-value.js'

/** Levels a JSON text may nest to be read as a value; deeper text stays text (never cut silently). */
const JSON_TEXT_DEPTH = 64

/**
 * Reads a span's attributes by meaning and remembers which keys were read, so the ones no mapping
 * took can be kept under `metadata` (`rest`). Each lookup names every spelling of one meaning (the
 * current convention name first, then the aliases still emitted): the first present wins and all
 * are used up, so an alias never reappears in `metadata` beside the field it was mapped to.
 */
export class AttributeReader {
  private readonly used = new Set<string>()

  constructor(readonly attributes: Attributes) {}

  has(key: string): boolean {
    return this.attributes.has(key)
  }

  /** Marks keys as mapped without reading them (values derived elsewhere, or dropped on purpose). */
  use(...keys: string[]): void {
    for (const key of keys) this.used.add(key)
  }

  /** The first value present (not null) among `keys`. */
  first(...keys: string[]): unknown {
    let found: unknown
    for (const key of keys) {
      this.used.add(key)
      const value = this.attributes.get(key)
      if (found === undefined && value !== undefined && value !== null) found = value
    }
    return found
  }

  /** The first non-empty string (a number or boolean as its text) among `keys`. */
  string(...keys: string[]): string | undefined {
    for (const key of keys) this.used.add(key)
    for (const key of keys) {
      const value = this.attributes.get(key)
      if (typeof value === 'string' && value.trim() !== '') return value
      if (typeof value === 'number' || typeof value === 'boolean') return String(value)
    }
    return undefined
  }

  /** The first whole number ≥ 0 among `keys` (a decimal string counts). */
  count(...keys: string[]): number | undefined {
    for (const key of keys) this.used.add(key)
    for (const key of keys) {
      const n = asCount(this.attributes.get(key))
      if (n !== undefined) return n
    }
    return undefined
  }

  /** The first value among `keys`, a JSON object or array sent as text parsed (`parseJsonText`). */
  json(...keys: string[]): unknown {
    const value = this.first(...keys)
    return typeof value === 'string' ? parseJsonText(value) : value
  }

  /** Every attribute under `prefix` (`llm.input_messages.`), keyed by the rest of its name; used up. */
  under(prefix: string): Map<string, unknown> {
    const out = new Map<string, unknown>()
    for (const [key, value] of this.attributes)
      if (key.startsWith(prefix)) {
        this.used.add(key)
        out.set(key.slice(prefix.length), value)
      }
    return out
  }

  /** True when any attribute starts with `prefix`. */
  hasUnder(prefix: string): boolean {
    for (const key of this.attributes.keys()) if (key.startsWith(prefix)) return true
    return false
  }

  /** The attributes no lookup used, as an object (insertion order). */
  rest(): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    for (const [key, value] of this.attributes)
      if (!this.used.has(key) && value !== null) setOwn(out, key, value)
    return out
  }
}

/** A whole number ≥ 0 from a number or its decimal text. */
export function asCount(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^\d{1,15}$/.test(value.trim()) ? Number(value) : value
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined
}

/**
 * Text that holds a JSON object or array (instrumentations send structured content as JSON strings
 * on spans) as its value; any other text stays text, so `"42"` stays a string.
 */
export function parseJsonText(text: string): unknown {
  const start = text.trimStart()[0]
  if (start !== '{' && start !== '[') return text
  try {
    const value = JSON.parse(text) as unknown
    return nestedDeeperThan(value, JSON_TEXT_DEPTH) ? text : value
  } catch {
    return text
  }
}
