import { z } from 'zod'
import { compileChecks, compileScalar } from './sure-check-scalars.js'
import type { SureCheck } from './sure-check-scalars.js'

export type { SureCheck } from './sure-check-scalars.js'

type Schema = z.core.$ZodType

const DOUBT: SureCheck = () => false
const ANY: SureCheck = () => true

/**
 * Compiles a zod schema into a `SureCheck`, once, at module load: the schema stays the single source
 * of truth (its fields, lengths, patterns, bounds and refinements are read from it), and the test
 * skips what makes a general schema library slow on a hot path (issue objects, output copies,
 * per-check dispatch). Covers what contains no transformation: objects, records, arrays, unions,
 * optionals, strings, numbers and unknown, with checks that only report issues. Anything else
 * compiles to "ask the schema", so a schema change can slow the fast path down but never make it
 * accept what the schema refuses.
 */
export function compileSureCheck(schema: Schema): SureCheck {
  const { def, traits } = schema._zod
  // A schema that is itself a check (a string format such as z.email(), z.int()) runs more than its def says.
  if (traits.has('$ZodCheck')) return DOUBT
  const checks = compileChecks(def.checks)
  if (checks === undefined) return DOUBT
  // Strings and numbers, optional or not, compile to one function each: most of an event's fields.
  const inner = def.type === 'optional' ? (def as z.core.$ZodOptionalDef).innerType._zod : undefined
  if (inner && checks.length === 0 && !inner.traits.has('$ZodCheck')) {
    const scalar = compileScalar(inner.def, true)
    if (scalar !== undefined) return scalar
  }
  const scalar = compileScalar(def, false)
  if (scalar !== undefined) return scalar
  const type = compileType(def)
  if (type === DOUBT || checks.length === 0) return type
  return (value) => {
    if (!type(value)) return false
    for (const check of checks) if (!check(value)) return false
    return true
  }
}

function compileType(def: z.core.$ZodTypeDef): SureCheck {
  switch (def.type) {
    case 'unknown':
    case 'any':
      return ANY
    case 'boolean':
      return (def as z.core.$ZodBooleanDef).coerce ? DOUBT : (v) => typeof v === 'boolean'
    case 'optional': {
      const inner = compileSureCheck((def as z.core.$ZodOptionalDef).innerType)
      return inner === DOUBT ? DOUBT : (v) => v === undefined || inner(v)
    }
    case 'union':
      return compileUnion(def as z.core.$ZodUnionDef)
    case 'array':
      return compileArray(def as z.core.$ZodArrayDef)
    case 'record':
      return compileRecord(def as z.core.$ZodRecordDef)
    case 'object':
      return compileObject(def as z.core.$ZodObjectDef)
    default:
      return DOUBT
  }
}

/**
 * Zod takes the first option that accepts. Every option here leaves its value as it is, so any
 * option that accepts gives the same output; an option this cannot vouch for might transform, so
 * it makes the whole union doubtful. Exclusive and discriminated unions refuse values an
 * inclusive reading accepts, so they stay with the schema.
 */
function compileUnion(def: z.core.$ZodUnionDef): SureCheck {
  if (def.inclusive === false || 'discriminator' in def) return DOUBT
  const options = def.options.map(compileSureCheck)
  if (options.includes(DOUBT)) return DOUBT
  return (v) => options.some((option) => option(v))
}

function compileArray(def: z.core.$ZodArrayDef): SureCheck {
  const element = compileSureCheck(def.element)
  if (element === DOUBT) return DOUBT
  return (v) => {
    // A subclass or a patched prototype could iterate or serialize differently from zod's fresh array.
    if (!Array.isArray(v) || Object.getPrototypeOf(v) !== Array.prototype) return false
    for (let i = 0; i < v.length; i++) if (!element(v[i])) return false
    return true
  }
}

/** String keys without checks (what `z.record(z.string(), ...)` declares); other keys stay with the schema. */
function compileRecord(def: z.core.$ZodRecordDef): SureCheck {
  const key = def.keyType._zod
  if (key.def.type !== 'string' || key.def.checks?.length || key.traits.has('$ZodCheck'))
    return DOUBT
  const value = compileSureCheck(def.valueType)
  if (value === DOUBT) return DOUBT
  return (v) => {
    if (!isPlainData(v) || Object.getOwnPropertySymbols(v).length > 0) return false
    for (const k of Object.keys(v)) if (k === '__proto__' || !value(v[k])) return false
    return true
  }
}

/**
 * Walks the value's keys once (`for...in`, as zod walks a catchall). Zod leaves `__proto__` out of
 * its output, so a value holding one is not its own output: that one goes to the schema.
 */
function compileObject(def: z.core.$ZodObjectDef): SureCheck {
  const fields = new Map<string, SureCheck>()
  const required: string[] = []
  for (const [key, schema] of Object.entries(def.shape)) {
    fields.set(key, compileSureCheck(schema))
    if (schema._zod.optin !== 'optional' || schema._zod.optout !== 'optional') required.push(key)
  }
  // No catchall strips unknown keys from the output: a value that has some is not its output.
  const rest = def.catchall ? compileSureCheck(def.catchall) : DOUBT
  return (v) => {
    if (!isPlainData(v)) return false
    for (const key of required) if (!(key in v)) return false
    for (const key in v) {
      if (key === '__proto__' || !Object.hasOwn(v, key)) return false
      if (!(fields.get(key) ?? rest)(v[key])) return false
    }
    return true
  }
}

/** An object as `JSON.parse` makes them, with no prototype that could add keys, `toJSON` or getters. */
function isPlainData(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false
  const proto = Object.getPrototypeOf(v) as unknown
  return (proto === Object.prototype || proto === null) && z.core.util.isPlainObject(v)
}
