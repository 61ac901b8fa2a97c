/**
 * OTLP attribute values (`AnyValue`, opentelemetry-proto `common.proto`) as plain JSON values. OTLP/JSON
 * and a decoded protobuf message (`longs: String`, `bytes: String`) share this shape: int64 as a
 * decimal string or a number, bytes as base64.
 */

/** Attributes of a span, an event, a log record or a resource, by key, in the order sent. */
export type Attributes = Map<string, unknown>

/** Deeper values are cut here: no real attribute nests this far, and a walk must end. */
const MAX_DEPTH = 32

type Json = Record<string, unknown>
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v)

/**
 * Sets `key` on `target` as an own, enumerable property: a key sent as `__proto__` stays a key and
 * never reaches the object's prototype.
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  })
}

/**
 * Strings as stored: a NUL character (which PostgreSQL's text cannot hold) becomes U+FFFD, so one
 * odd attribute does not cost its span; every store then keeps the same text.
 */
export function cleanString(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '\uFFFD') : text
}

/**
 * One `AnyValue` as a JSON value: strings, booleans and doubles as they are, an int64 as a number
 * when it is a safe integer (else its decimal text), arrays and key-value lists as arrays and
 * objects, bytes as their base64 text. An empty `AnyValue` (or anything else) is `null`.
 */
export function anyValue(value: unknown, depth = 0): unknown {
  if (!isObject(value) || depth > MAX_DEPTH) return null
  if (typeof value.stringValue === 'string') return cleanString(value.stringValue)
  if (typeof value.boolValue === 'boolean') return value.boolValue
  if (value.intValue !== undefined && value.intValue !== null) return intOf(value.intValue)
  if (value.doubleValue !== undefined && value.doubleValue !== null)
    return typeof value.doubleValue === 'number' ? finite(value.doubleValue) : numberText(value)
  if (isObject(value.arrayValue)) {
    const values = value.arrayValue.values
    return Array.isArray(values) ? values.map((v) => anyValue(v, depth + 1)) : []
  }
  if (isObject(value.kvlistValue)) {
    const out: Json = {}
    for (const [k, v] of keyValues(value.kvlistValue.values, depth + 1)) setOwn(out, k, v)
    return out
  }
  if (typeof value.bytesValue === 'string') return value.bytesValue
  return null
}

/** An OTLP `KeyValue` list as a map; entries without a string key are skipped. */
export function attributesOf(list: unknown): Attributes {
  return new Map(keyValues(list, 0))
}

function keyValues(list: unknown, depth: number): Array<[string, unknown]> {
  if (!Array.isArray(list)) return []
  const out: Array<[string, unknown]> = []
  for (const item of list)
    if (isObject(item) && typeof item.key === 'string')
      out.push([cleanString(item.key), anyValue(item.value, depth)])
  return out
}

/** int64 as sent (a number or decimal text): a number when it is safe, else its text. */
function intOf(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : null
  if (typeof value === 'string' && /^-?\d{1,20}$/.test(value)) {
    const n = Number(value)
    return Number.isSafeInteger(n) ? n : value
  }
  return null
}

/** JSON cannot carry NaN or infinities: they are kept as their names. */
function finite(n: number): number | string {
  return Number.isFinite(n) ? n : String(n)
}

/** OTLP/JSON may spell a double as text (`"NaN"`, `"Infinity"`, `"1.5"`). */
function numberText(value: Json): unknown {
  const text = value.doubleValue
  if (typeof text !== 'string') return null
  const n = Number(text)
  return Number.isFinite(n) ? n : cleanString(text)
}

/**
 * An OTLP enum (`SpanKind`, `Status.code`, `SeverityNumber`) as its number. OTLP/JSON says
 * integers, and the exporters send them; the protobuf JSON mapping also allows the value's name
 * (`"STATUS_CODE_ERROR"`), which the Collector's JSON decoder accepts, so it is read too: dropping
 * it would store an error span as a success. `prefix` is the enum's (`STATUS_CODE_`), `names` its
 * values' rest in order (`['UNSET', 'OK', 'ERROR']`). Anything else is 0, unset.
 */
export function enumOf(value: unknown, prefix: string, names: readonly string[]): number {
  if (typeof value === 'number') return Number.isInteger(value) ? value : 0
  if (typeof value !== 'string' || !value.startsWith(prefix)) return 0
  const index = names.indexOf(value.slice(prefix.length))
  return index < 0 ? 0 : index
}
