import { JcsError } from './jcs.js'

/**
 * `jcs`, written for speed: the same text, and the same `JcsError`s, for every value (jcs-fast.test.ts
 * compares the two on generated values). `jcs` stays the plain reading of RFC 8785 that this is
 * checked against; the leaf writer, which runs on the event loop for every ingested event, uses this.
 *
 * What it saves, measured on Node 20 (bench/leaf-bench.js): a JSON.stringify call per number
 * (String(n) is the same text for a finite number), a JSON.stringify scan per string that needs no
 * escape (a regular expression finds those faster), and a sort per object whose keys are already
 * in order.
 */
export function jcsFast(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return quote(value, 'a string holds a lone surrogate')
    case 'number':
      if (!Number.isFinite(value)) throw new JcsError(`${value} is not a JSON number`)
      // ECMAScript's Number::toString, which is what JSON.stringify writes for a finite number.
      return String(value)
    case 'boolean':
      return value ? 'true' : 'false'
    case 'object':
      if (value === null) return 'null'
      return Array.isArray(value) ? arrayText(value) : objectText(value)
    default:
      throw new JcsError(`a ${typeof value} is not JSON`)
  }
}

/**
 * A string with none of the characters JSON.stringify escapes in a well-formed string (RFC 8785
 * §3.2.2.2: controls, quotation mark, reverse solidus). Anchored at both ends: Irregexp scans such a
 * string in about half the time it takes to search it for the first character that needs one.
 */
// eslint-disable-next-line no-control-regex
const NO_ESCAPE = /^[^\u0000-\u001f"\\]*$/

/** A string's JSON text; throws with `lone` if it holds a lone surrogate. */
export function quote(text: string, lone: string): string {
  if (!text.isWellFormed()) throw new JcsError(lone)
  return NO_ESCAPE.test(text) ? `"${text}"` : JSON.stringify(text)
}

function arrayText(value: readonly unknown[]): string {
  let out = '['
  for (let i = 0; i < value.length; i++) {
    const item = value[i]
    if (item === undefined) throw new JcsError('an array holds undefined')
    out += i === 0 ? jcsFast(item) : `,${jcsFast(item)}`
  }
  return `${out}]`
}

function objectText(value: object): string {
  const proto: unknown = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null)
    throw new JcsError('only plain objects can be canonicalized')
  const keys = Object.keys(value)
  // The default sort compares UTF-16 code units, as RFC 8785 §3.2.3 requires; most objects come
  // sorted already (and `<` compares code units too).
  for (let i = 1; i < keys.length; i++)
    if ((keys[i] as string) < (keys[i - 1] as string)) {
      keys.sort()
      break
    }
  let out = ''
  for (const key of keys) {
    const member = (value as Record<string, unknown>)[key]
    if (member === undefined) continue
    const name = quote(key, 'a member name holds a lone surrogate')
    out += out === '' ? `${name}:${jcsFast(member)}` : `,${name}:${jcsFast(member)}`
  }
  return `{${out}}`
}
