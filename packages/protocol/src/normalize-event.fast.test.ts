import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { makeEvent, rng } from '../../../bench/workload.js'
import { EVENT_INPUT_FIELDS, EventInputSchema } from './event-schema.js'
import { LIMITS } from './limits.js'
import { normalizeEvent, normalizeEventBySchema } from './normalize-event.js'
import type { NormalizeContext } from './normalize-event.js'
import { ACCEPTED_STATUS_WORDS } from './status.js'
import { compileSureCheck } from './sure-check.js'

// The fast road (normalizeEvent) against zod's (normalizeEventBySchema) on generated events, valid
// and invalid: the same result, event or issues, for every one.

const now = Date.parse('2026-11-22T10:00:00Z')
const surely = compileSureCheck(EventInputSchema)
const PROMPT = 'You are helpful.'
const PROMPT_SHA = createHash('sha256').update(PROMPT).digest('hex')
const EMOJI = '😀'

/** Every kind of value some field accepts, and many that none does. */
const ANY: unknown[] = [
  null,
  true,
  false,
  0,
  -0,
  -1,
  1.5,
  0.1,
  1e-7,
  LIMITS.maxCount,
  LIMITS.maxCount + 1,
  2 ** 53,
  99_999_999_999,
  100_000_000_000,
  now,
  now + LIMITS.futureSkewMs + 1,
  '',
  'a',
  'é',
  EMOJI,
  '\ud800',
  'x'.repeat(64),
  'x'.repeat(65),
  EMOJI.repeat(LIMITS.shortString),
  EMOJI.repeat(LIMITS.shortString + 1),
  'x'.repeat(LIMITS.shortString),
  'x'.repeat(LIMITS.shortString + 1),
  'x'.repeat(LIMITS.title + 1),
  [],
  ['a'],
  [1, 'a', null],
  {},
  { a: 1 },
]

/** Values written for one field: its edges and its formats. */
const FIELD_VALUES: Record<string, unknown[]> = {
  id: [
    '0192f3a4-5b6c-7d8e-9fa0-b1c2d3e4f5a6',
    '0192F3A4-5B6C-7D8E-9FA0-B1C2D3E4F5A6',
    'not-a-uuid',
    '00000000-0000-0000-0000-000000000000',
  ],
  ts: [
    '2026-11-22T10:15:00Z',
    '2026-11-22T10:15:00z',
    '2026-11-22T10:15:00.123Z',
    '2026-11-22T10:15:00.123456789+05:30',
    '2026-11-22T11:15+01:00',
    '2026-11-22T09:15:00-0100',
    '2026-11-22T10:15:00',
    '2026-02-30T10:15:00Z',
    '2026-11-22T24:00:00Z',
    '2026-11-22 10:15:00Z',
    '1999-12-31T23:59:59.999+23:59',
    '0000-01-01T00:00:00Z',
    '9999-12-31T23:59:59Z',
    `2026-11-22T10:15:00.${'1'.repeat(60)}Z`,
    '1763805300000',
    now - 5,
    1_000,
    now + 1.5,
  ],
  kind: ['llm_call', 'tool_call', 'a.b_c', 'audit', 'A', '1abc', 'a'.repeat(64), 'a'.repeat(65)],
  status: [
    ...ACCEPTED_STATUS_WORDS,
    ...ACCEPTED_STATUS_WORDS.map((w) => w.toUpperCase()),
    'Failed',
    'nope',
  ],
  cost_usd: [
    0,
    0.0125,
    '0.0125',
    ' 0.5 ',
    '1e-7',
    1e-7,
    0.0000005,
    '0.0000005',
    123456789012,
    '123456789012.123456789012',
    '-1',
    -1,
    'abc',
    '1'.repeat(32),
    '1'.repeat(33),
  ],
  system_prompt: [PROMPT, EMOJI, 'x'.repeat(LIMITS.payloadBytes + 1)],
  system_prompt_sha256: [PROMPT_SHA, '0'.repeat(64), PROMPT_SHA.toUpperCase(), 'abc'],
  thinking: ['thought', 'x'.repeat(LIMITS.thinking + 1)],
  duration_ms: [0, 12.6, 1e12, 1e12 + 1, -0.5],
  tags: [
    ['a', 'b', 'a'],
    [''],
    ['x'.repeat(LIMITS.tag)],
    ['x'.repeat(LIMITS.tag + 1)],
    [EMOJI.repeat(LIMITS.tag)],
    Array.from({ length: LIMITS.tags }, (_, i) => `t${i}`),
    Array.from({ length: LIMITS.tags + 1 }, (_, i) => `t${i}`),
    [1],
    'a',
  ],
  metadata: [
    { a: 1, nested: { b: [1, 2] } },
    { agent_extra: 'x', _extra_fields: 1 },
    { 2: 'two', 1: 'one', b: 'b' },
    { big: 'x'.repeat(LIMITS.objectBytes) },
    JSON.parse('{"__proto__": {"polluted": true}, "a": 1}'),
    Object.assign(Object.create(null), { a: 1 }),
  ],
  rate_limit: [{ 'x-ratelimit-remaining': '99' }, { big: 'x'.repeat(LIMITS.objectBytes) }],
  context: [{ tenant: 't1' }, JSON.parse('{"__proto__": 1}')],
  input: [
    { prompt: 'hello' },
    'plain text',
    [{ role: 'user', content: `héllo ${EMOJI}` }],
    'x'.repeat(LIMITS.payloadBytes),
    nested(2_000),
  ],
}

const PAYLOAD_FIELDS = ['input', 'output', 'messages', 'tool_calls', 'error']
const PRICED: Record<string, unknown[]> = {
  provider: ['openai', 'anthropic', 'OpenAI', 'unknown'],
  model: ['gpt-4o', 'claude-sonnet-4-5', 'gpt-4o-2024-08-06', 'model-1'],
}
const COUNTS = ['tokens_input', 'tokens_output', 'tokens_cache_read', 'tokens_cache_write']

/** Unknown top-level fields: kept under `metadata`, some clashing with its keys or Object's. */
const EXTRA_NAMES = ['extra', 'agent_extra', 'toString', 'constructor', '_extra_fields', '7']

function nested(depth: number): unknown {
  let v: unknown = 'leaf'
  for (let i = 0; i < depth; i++) v = { v }
  return v
}

function valuesFor(field: string): unknown[] {
  const own = FIELD_VALUES[field] ?? PRICED[field] ?? []
  if (PAYLOAD_FIELDS.includes(field)) return [...(FIELD_VALUES.input ?? []), ...ANY]
  if (COUNTS.includes(field) || field === 'tokens_total') return [0, 10, 1999, ...ANY]
  return [...own, ...ANY]
}

function contexts(i: number): NormalizeContext {
  return {
    now,
    id: '0192f3a4-5b6c-7d8e-9fa0-000000000000',
    ...(i % 2 === 0 && { path: `events.${i % 7}` }),
    ...(i % 3 === 0 && { ipAddress: '10.0.0.1' }),
    ...(i % 5 === 0 && { idempotencyKey: 'key-1' }),
  }
}

/**
 * Zod leaves an own `__proto__` key out of its output, so an event holding one at the top or in a
 * record field is the one kind of valid event left to zod on purpose.
 */
function holdsProtoKey(raw: unknown): boolean {
  const own = (v: unknown) => v !== null && typeof v === 'object' && Object.hasOwn(v, '__proto__')
  if (own(raw)) return true
  const event = raw as Record<string, unknown>
  return own(event.metadata) || own(event.rate_limit) || own(event.context)
}

/** Both roads on one event; counts the valid events, and those the fast road did not vouch for. */
function compare(raw: unknown, i: number, tally: { valid: number; missed: number }) {
  const ctx = contexts(i)
  const before = JSON.stringify(raw)
  const fast = normalizeEvent(raw, ctx)
  const schema = normalizeEventBySchema(raw, ctx)
  expect(fast).toStrictEqual(schema)
  expect(JSON.stringify(raw), 'normalizeEvent changed its input').toBe(before)
  const vouched = surely(raw)
  const valid = EventInputSchema.safeParse(raw).success
  if (vouched) expect(valid).toBe(true)
  if (valid) tally.valid++
  // A getter or prototype trick aside, every valid plain event takes the fast road.
  if (valid && !vouched && !holdsProtoKey(raw) && Object.getPrototypeOf(raw) === Object.prototype)
    tally.missed++
}

describe('normalizeEvent: the compiled fast road gives what zod gives', () => {
  it('on every value of every field, alone', () => {
    const tally = { valid: 0, missed: 0 }
    let i = 0
    for (const field of EVENT_INPUT_FIELDS) {
      for (const value of valuesFor(field)) compare({ [field]: value }, i++, tally)
      compare({ [field]: undefined }, i++, tally)
    }
    for (const name of EXTRA_NAMES) {
      compare({ [name]: 'v' }, i++, tally)
      compare({ [name]: 'v', metadata: { [name]: { m: 1 } } }, i++, tally)
    }
    expect(i).toBeGreaterThan(1_000)
    expect(tally.valid).toBeGreaterThan(500)
    expect(tally.missed).toBe(0)
  })

  it('on thousands of random events, valid and invalid', () => {
    const rand = rng(19)
    const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T
    const shape = EventInputSchema.shape as Record<
      string,
      { safeParse(v: unknown): { success: boolean } }
    >
    // The huge values are tried alone above; here they would only make the test slow.
    const small = (v: unknown) => (JSON.stringify(v) ?? '').length < 4_096
    const pools = new Map(
      [...EVENT_INPUT_FIELDS].map((field) => {
        const all = valuesFor(field).filter(small)
        const valid = all.filter((v) => shape[field]?.safeParse(v).success)
        return [field, { all, valid }]
      }),
    )
    const tally = { valid: 0, missed: 0 }
    for (let i = 0; i < 4_000; i++) {
      // Values the field's schema accepts, then for half the events one field's value from all:
      // a single fault is where a lenient check would show.
      const event: Record<string, unknown> = {}
      for (const [field, pool] of pools) if (rand() < 0.4) event[field] = pick(pool.valid)
      if (rand() < 0.5) {
        const field = pick([...pools.keys()])
        event[field] = pick(pools.get(field)?.all ?? [])
      }
      if (rand() < 0.2) event[pick(EXTRA_NAMES)] = pick(ANY.filter(small))
      // Through JSON, as the server receives it (NaN becomes null, __proto__ an own key), or as an object.
      const raw: unknown =
        rand() < 0.7 ? JSON.parse(JSON.stringify(event).replace('"extra"', '"__proto__"')) : event
      compare(raw, i, tally)
    }
    expect(tally.valid).toBeGreaterThan(1_000)
    expect(tally.missed).toBe(0)
  })

  it('on what is not an event object', () => {
    const tally = { valid: 0, missed: 0 }
    const odd: unknown[] = [
      null,
      undefined,
      1,
      'event',
      [],
      [{ agent: 'a' }],
      new Date(0),
      new Map([['agent', 'a']]),
      Object.assign(Object.create(null), { agent: 'a', extra: 1 }),
      Object.create({ agent: 'inherited' }),
      { agent: 'a', [Symbol('s')]: 1 },
      { ts: Number.NaN },
      { duration_ms: Number.POSITIVE_INFINITY },
      { cost_usd: Number.NaN },
      { tags: Object.assign(new Array<string>(2), { 1: 'a' }) },
      { metadata: [] },
      { metadata: null },
      { metadata: new Date(0) },
    ]
    odd.forEach((raw, i) => compare(raw, i, tally))
  })

  it('vouches for every workload event', () => {
    const rand = rng(3)
    for (let i = 0; i < 500; i++) {
      const raw = JSON.parse(JSON.stringify(makeEvent(rand, now, 86_400_000))) as unknown
      expect(surely(raw)).toBe(true)
      compare(raw, i, { valid: 0, missed: 0 })
    }
  })
})
