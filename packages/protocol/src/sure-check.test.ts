import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { compileSureCheck } from './sure-check.js'

const VALUES: unknown[] = [
  undefined,
  null,
  true,
  0,
  -1,
  1.5,
  1e12,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  '',
  'a',
  'abc',
  ' padded ',
  'ABC',
  '😀',
  '😀😀',
  'ab😀',
  '\ud800',
  'x'.repeat(4),
  [],
  ['a'],
  ['a', 1],
  [undefined],
  {},
  { a: 1 },
  { a: 'x', b: undefined },
  JSON.parse('{"__proto__": {"a": 1}, "b": 2}'),
  Object.assign(Object.create(null), { a: 'x' }),
  { [Symbol('s')]: 1 },
  new Date(0),
  new Map(),
]

const SCHEMAS: Record<string, z.ZodType> = {
  string: z.string(),
  'string min 2 max 3': z.string().min(2).max(3),
  'string length 2': z.string().length(2),
  'string regex': z.string().regex(/^[a-z]+$/),
  'string refine': z.string().refine((s) => s.startsWith('a')),
  'string trim': z.string().trim(),
  'string lower-case check': z.string().lowercase(),
  email: z.email(),
  'number int 0..1e12': z.number().int().min(0).max(1e12),
  'number gt 0 lt 2': z.number().gt(0).lt(2),
  'number multiple of 0.5': z.number().multipleOf(0.5),
  boolean: z.boolean(),
  'coerced string': z.coerce.string(),
  'optional string': z.string().optional(),
  'default string': z.string().default('d'),
  'string or number': z.union([z.string().max(2), z.number()]),
  'transform or string': z.union([z.string().transform((s) => s.length), z.string()]),
  'exclusive union': z.xor([z.string(), z.string().max(1)]),
  'string array max 1': z.array(z.string()).max(1),
  record: z.record(z.string(), z.unknown()),
  'record of numbers': z.record(z.string(), z.number()),
  'record with key check': z.record(z.string().min(2), z.unknown()),
  'loose object': z.looseObject({ a: z.string().optional() }),
  'strict object': z.strictObject({ a: z.string().optional() }),
  'object (strips unknown keys)': z.object({ a: z.string().optional() }),
  'object with a required key': z.looseObject({ a: z.string() }),
  'async refine': z.string().refine(async () => true),
  pipe: z.string().pipe(z.string()),
}

/** A value's own keys in order with their values, whatever its prototype (zod's copies have Object's). */
function ownData(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(ownData)
  if (value === null || typeof value !== 'object') return value
  return Object.keys(value).map((k) => [k, ownData((value as Record<string, unknown>)[k])])
}

describe('compileSureCheck', () => {
  it('vouches only for values the schema accepts and gives back unchanged', () => {
    let vouched = 0
    for (const [name, schema] of Object.entries(SCHEMAS)) {
      const sure = compileSureCheck(schema)
      for (const [i, value] of VALUES.entries()) {
        if (!sure(value)) continue
        vouched++
        const parsed = schema.safeParse(value)
        expect(parsed.success, `${name} on value ${i}`).toBe(true)
        expect(ownData(parsed.data), name).toStrictEqual(ownData(value))
      }
    }
    expect(vouched).toBeGreaterThan(30)
  })

  it('measures lengths in code points as zod does', () => {
    const sure = compileSureCheck(z.string().min(2).max(3))
    expect(sure('😀😀😀')).toBe(true)
    expect(sure('😀😀😀😀')).toBe(false)
    expect(sure('😀')).toBe(false)
    expect(sure('ab')).toBe(true)
  })

  it('asks the schema about anything that transforms or that it cannot read', () => {
    for (const name of [
      'string trim',
      'email',
      'coerced string',
      'default string',
      'transform or string',
      'exclusive union',
      'pipe',
      'record with key check',
    ]) {
      const sure = compileSureCheck(SCHEMAS[name] as z.ZodType)
      expect(
        VALUES.some((v) => sure(v)),
        name,
      ).toBe(false)
    }
  })

  it('runs refinements and checks the schema declares', () => {
    const refine = compileSureCheck(SCHEMAS['string refine'] as z.ZodType)
    expect(refine('abc')).toBe(true)
    expect(refine('bcd')).toBe(false)
    const lower = compileSureCheck(SCHEMAS['string lower-case check'] as z.ZodType)
    expect(lower('abc')).toBe(true)
    expect(lower('ABC')).toBe(false)
    expect(compileSureCheck(z.number().int())(1.5)).toBe(false)
  })

  it('leaves objects with keys zod would drop or refuse to the schema', () => {
    const loose = compileSureCheck(SCHEMAS['loose object'] as z.ZodType)
    expect(loose({ a: 'x', extra: 1 })).toBe(true)
    expect(loose(JSON.parse('{"__proto__": 1}'))).toBe(false)
    expect(loose(new Date(0))).toBe(false)
    expect(compileSureCheck(SCHEMAS['object (strips unknown keys)'] as z.ZodType)({ b: 1 })).toBe(
      false,
    )
    expect(compileSureCheck(SCHEMAS['strict object'] as z.ZodType)({ b: 1 })).toBe(false)
    expect(compileSureCheck(SCHEMAS['object with a required key'] as z.ZodType)({})).toBe(false)
  })
})
