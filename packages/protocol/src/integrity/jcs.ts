/**
 * RFC 8785 JSON Canonicalization Scheme: object members sorted by their names' UTF-16 code units,
 * no whitespace, strings and numbers written as ECMAScript's JSON.stringify writes them (which is
 * what the RFC specifies). Only I-JSON is accepted: NaN, ±Infinity, lone surrogates, and values
 * JSON cannot hold (undefined in an array, functions, symbols, bigints, class instances) throw a
 * `JcsError`. Object members whose value is `undefined` are left out, as JSON.stringify does.
 */
export class JcsError extends Error {
  override name = 'JcsError'
}

export function jcs(value: unknown): string {
  switch (typeof value) {
    case 'string':
      if (!value.isWellFormed()) throw new JcsError('a string holds a lone surrogate')
      return JSON.stringify(value)
    case 'number':
      if (!Number.isFinite(value)) throw new JcsError(`${value} is not a JSON number`)
      return JSON.stringify(value)
    case 'boolean':
      return value ? 'true' : 'false'
    case 'object': {
      if (value === null) return 'null'
      if (Array.isArray(value)) {
        let out = '['
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ','
          const item: unknown = value[i]
          if (item === undefined) throw new JcsError('an array holds undefined')
          out += jcs(item)
        }
        return out + ']'
      }
      const proto: unknown = Object.getPrototypeOf(value)
      if (proto !== Object.prototype && proto !== null)
        throw new JcsError('only plain objects can be canonicalized')
      // The default sort compares UTF-16 code units, as RFC 8785 §3.2.3 requires.
      const keys = Object.keys(value).sort()
      let out = '{'
      let first = true
      for (const key of keys) {
        const member = (value as Record<string, unknown>)[key]
        if (member === undefined) continue
        if (!key.isWellFormed()) throw new JcsError('a member name holds a lone surrogate')
        out += (first ? '' : ',') + JSON.stringify(key) + ':' + jcs(member)
        first = false
      }
      return out + '}'
    }
    default:
      throw new JcsError(`a ${typeof value} is not JSON`)
  }
}
