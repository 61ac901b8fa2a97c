import type { z } from 'zod'

/**
 * A test that answers `true` only when the schema it was compiled from surely accepts the value and
 * its parsed output is the value itself, or a copy with the same own keys in the same order holding
 * the same values (so reading the value gives what reading the output would). `false` means "ask
 * the schema": the value may be invalid, or valid in a way this test does not vouch for.
 */
export type SureCheck = (value: unknown) => boolean

type Check = z.core.$ZodCheck
type CheckDef = z.core.$ZodChecks['_zod']['def'] | { check: 'custom' }

/**
 * A string or a number (optional when `optional`) with its checks, as one function: the usual case
 * (every length within bounds counted in UTF-16 units, every pattern matching) costs no call per
 * check; a length near a bound, where zod's count in code points may differ, runs zod's checks.
 * Undefined for any other type, or a string or number this does not read (coerced, or a format).
 */
export function compileScalar(def: z.core.$ZodTypeDef, optional: boolean): SureCheck | undefined {
  if ((def.type !== 'string' && def.type !== 'number') || (def as { coerce?: boolean }).coerce)
    return undefined
  const precise = compileChecks(def.checks)
  if (precise === undefined) return undefined
  let max = Number.POSITIVE_INFINITY
  let min = 0
  let lowest = Number.NEGATIVE_INFINITY
  let above = Number.NEGATIVE_INFINITY
  let highest = Number.POSITIVE_INFINITY
  let below = Number.POSITIVE_INFINITY
  let safeInteger = false
  const patterns: RegExp[] = []
  const others: SureCheck[] = []
  for (const [i, check] of (def.checks ?? []).entries()) {
    const d = check._zod.def as CheckDef
    if (d.check === 'max_length') max = Math.min(max, d.maximum)
    else if (d.check === 'min_length') min = Math.max(min, d.minimum)
    else if (d.check === 'greater_than' && typeof d.value === 'number') {
      if (d.inclusive) lowest = Math.max(lowest, d.value)
      else above = Math.max(above, d.value)
    } else if (d.check === 'less_than' && typeof d.value === 'number') {
      if (d.inclusive) highest = Math.min(highest, d.value)
      else below = Math.min(below, d.value)
    } else if (d.check === 'number_format' && d.format === 'safeint') safeInteger = true
    else if (d.check === 'string_format' && d.format === 'regex' && d.pattern)
      patterns.push(d.pattern)
    else others.push(precise[i] as SureCheck)
  }
  if (def.type === 'number')
    return (v) => {
      if (v === undefined) return optional
      // As zod: NaN and ±Infinity are not numbers.
      if (typeof v !== 'number' || !Number.isFinite(v)) return false
      if (v < lowest || v <= above || v > highest || v >= below) return false
      if (safeInteger && !Number.isSafeInteger(v)) return false
      for (const other of others) if (!other(v)) return false
      return true
    }
  // Zod counts code points; UTF-16 units are at least as many, and at most twice as many.
  const min2 = 2 * min
  return (v) => {
    if (v === undefined) return optional
    if (typeof v !== 'string') return false
    if (v.length > max || v.length < min2) {
      for (const check of precise) if (!check(v)) return false
      return true
    }
    for (const pattern of patterns) if (((pattern.lastIndex = 0), !pattern.test(v))) return false
    for (const other of others) if (!other(v)) return false
    return true
  }
}

/** Undefined when a check may change the value (`overwrite`: trim, toLowerCase) or is not known here. */
export function compileChecks(checks: readonly Check[] | undefined): SureCheck[] | undefined {
  const out: SureCheck[] = []
  for (const check of checks ?? []) {
    const compiled = compileCheck(check)
    if (compiled === undefined) return undefined
    out.push(compiled)
  }
  return out
}

function compileCheck(check: Check): SureCheck | undefined {
  // `custom` (a refinement) is a check too, though not in zod's union of check defs.
  const def = check._zod.def as CheckDef
  const exact = runCheck(check)
  switch (def.check) {
    // Zod counts code points; UTF-16 units are at least as many, and at most twice as many.
    case 'max_length': {
      const max = def.maximum
      return (v) => (v as { length: number }).length <= max || exact(v)
    }
    case 'min_length': {
      const min = def.minimum
      return (v) => (v as { length: number }).length >= 2 * min || exact(v)
    }
    case 'greater_than': {
      const { value: bound, inclusive } = def
      if (typeof bound !== 'number') return exact
      return inclusive ? (v) => (v as number) >= bound : (v) => (v as number) > bound
    }
    case 'less_than': {
      const { value: bound, inclusive } = def
      if (typeof bound !== 'number') return exact
      return inclusive ? (v) => (v as number) <= bound : (v) => (v as number) < bound
    }
    case 'string_format': {
      const { format, pattern } = def as z.core.$ZodCheckStringFormatDef
      if (format !== 'regex' || pattern === undefined) return exact
      return (v) => ((pattern.lastIndex = 0), pattern.test(v as string))
    }
    // These only report issues, never change the value: zod's own check decides.
    case 'length_equals':
    case 'multiple_of':
    case 'number_format':
    case 'custom':
      return exact
    default:
      return undefined
  }
}

/** Zod's own check on the value: true when it reports no issue and leaves the value as it was. */
function runCheck(check: Check): SureCheck {
  return (value) => {
    const payload: z.core.ParsePayload = { value, issues: [] }
    const result = check._zod.check(payload as z.core.ParsePayload<never>)
    if (result instanceof Promise) {
      // An asynchronous refinement: the schema (which refuses it in a synchronous parse) decides.
      result.catch(() => undefined)
      return false
    }
    return payload.issues.length === 0 && payload.value === value
  }
}
