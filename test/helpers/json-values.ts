import { seeded } from './events.js'

/**
 * Seeded generators of JSON-ish values and events for the canonical-text property tests
 * (jcs-fast.test.ts, leaf.test.ts): unsorted members, names that trip plain objects up (`__proto__`,
 * array indexes), escapes, astral characters, and the numbers ECMAScript writes oddly.
 */
export type Rand = () => number

/** mulberry32: the same values for the same seed, so a failure can be replayed. */
export const seededRand: (seed: number) => Rand = seeded

export const pick = <T>(rand: Rand, items: readonly T[]): T =>
  items[Math.floor(rand() * items.length)] as T

export const NAMES: readonly string[] = [
  'a',
  'b',
  'z',
  'A',
  '',
  ' ',
  '__proto__',
  'constructor',
  'toJSON',
  '~',
  '/',
  'a/b~c',
  '~1',
  '0',
  '9',
  '10',
  '4294967295',
  '-1',
  '1.5',
  'é',
  'ß',
  '\u20ac',
  '\ufb33',
  '😀',
  '\ud83d\ude01x',
  'new\nline',
  'quo"te',
  'back\\slash',
  '\u0000nul',
  '\u007f',
  '\u2028',
  '$commit',
]

const STRINGS: readonly string[] = [
  '',
  'plain text',
  'Héllo 😀 wörld',
  'quote " inside',
  'back \\ slash',
  'tab\tnew\nline\rcr\b\f',
  '\u0001\u001f',
  '\u007f\u0080\u2028\u2029',
  '\\ud800 is six characters here',
  '\ud83d\ude00\ud83d\ude00',
  '\ufffd\uffff',
  '</script>',
]

const NUMBERS: readonly number[] = [
  0,
  -0,
  1,
  -1,
  1e21,
  1e-7,
  1e-6,
  5e-324,
  -5e-324,
  0.1 + 0.2,
  1.7976931348623157e308,
  2 ** 53,
  -(2 ** 53),
  2 ** 60,
  123456789012345680000,
  333333333.3333333,
  4.5,
]

/** A value JSON can hold, or (with `undefined`) a member JSON leaves out; `depth` limits nesting. */
export function jsonValue(rand: Rand, depth = 3): unknown {
  const r = rand()
  if (depth <= 0 || r < 0.55) {
    const s = rand()
    if (s < 0.35) return pick(rand, STRINGS)
    if (s < 0.5) return `${pick(rand, STRINGS)}${pick(rand, NAMES)}${Math.floor(rand() * 1e6)}`
    if (s < 0.75) return rand() < 0.5 ? pick(rand, NUMBERS) : Math.floor(rand() * 1e12) / 1000
    if (s < 0.85) return rand() < 0.5
    return null
  }
  if (r < 0.75)
    return Array.from({ length: Math.floor(rand() * 4) }, () => jsonValue(rand, depth - 1))
  return jsonObject(rand, depth - 1)
}

/** A plain object with members in random (mostly unsorted) order, some of them undefined. */
export function jsonObject(rand: Rand, depth = 2): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  const n = Math.floor(rand() * 5)
  for (let i = 0; i < n; i++) {
    const name = rand() < 0.7 ? pick(rand, NAMES) : `k${Math.floor(rand() * 100)}`
    // defineProperty: `__proto__` becomes a member, as JSON.parse makes it.
    Object.defineProperty(out, name, {
      value: rand() < 0.1 ? undefined : jsonValue(rand, depth),
      enumerable: true,
      writable: true,
      configurable: true,
    })
  }
  return out
}

const EVENT_FIELDS: readonly string[] = [
  'id',
  'org_id',
  'environment',
  'idempotency_key',
  'ts',
  'agent',
  'user',
  'ip_address',
  'kind',
  'status',
  'title',
  'model',
  'tokens_input',
  'cost_usd',
  'rate_limit',
  'input',
  'output',
  'system_prompt_sha256',
  'messages',
  'thinking',
  'tool_calls',
  'error',
  'duration_ms',
  'tags',
  'metadata',
  'context',
  'seq',
  'received_at',
  'control',
]

/** An event-like object: a random subset of the event's fields, in random order, and odd extras. */
export function eventLike(rand: Rand): Record<string, unknown> {
  const fields = EVENT_FIELDS.filter(() => rand() < 0.7)
  for (let i = fields.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1))
    ;[fields[i], fields[j]] = [fields[j] as string, fields[i] as string]
  }
  if (rand() < 0.2) fields.push(pick(rand, NAMES))
  const out: Record<string, unknown> = {}
  for (const field of fields) {
    const value =
      field === 'metadata' && rand() < 0.8
        ? jsonObject(rand)
        : rand() < 0.15
          ? null
          : rand() < 0.05
            ? undefined
            : jsonValue(rand)
    Object.defineProperty(out, field, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    })
  }
  return out
}
