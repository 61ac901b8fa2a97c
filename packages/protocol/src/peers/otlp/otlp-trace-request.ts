import { parseId, parseParentId, parseUnixNanos } from './otlp-ids.js'
import { attributesOf, cleanString, enumOf } from './otlp-value.js'
import type { Attributes } from './otlp-value.js'

/** The instrumentation scope that made a span (`InstrumentationScope`). */
export interface OtlpScope {
  name: string | null
  version: string | null
}

/** A timed event on a span (`Span.Event`): `exception`, `gen_ai.*` messages, stream marks. */
export interface OtlpSpanEvent {
  name: string
  /** Unix ms, with a fraction. */
  timeMs: number | null
  attributes: Attributes
}

/** One span of an export request, checked: ids as lower-case hex, times in Unix nanoseconds. */
export interface OtlpSpan {
  traceId: string
  spanId: string
  parentSpanId: string | null
  name: string
  /** OTLP's enum: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number
  /** Unix ms, with a fraction. */
  startMs: number | null
  endMs: number | null
  attributes: Attributes
  events: OtlpSpanEvent[]
  links: Array<{ traceId: string; spanId: string }>
  /** 0 unset, 1 ok, 2 error. */
  status: { code: number; message: string | null }
  /** The attributes of the resource that sent it (shared by the spans of one resource). */
  resource: Attributes
  scope: OtlpScope
}

/** Something of a request that is not taken: where it is, and why (never the value). */
export interface OtlpRejection {
  path: string
  reason: string
}

/** A request whose shape is wrong as a whole: answered 400, nothing taken. */
export class OtlpMalformedError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'OtlpMalformedError'
  }
}

const SPAN_KIND_NAMES = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER']
const STATUS_CODE_NAMES = ['UNSET', 'OK', 'ERROR']

type Json = Record<string, unknown>
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v)

/** `value[field]` as a list: absent is empty, anything but an array is a malformed request. */
export function listOf(value: Json, field: string, path: string): unknown[] {
  const list = value[field]
  if (list === undefined || list === null) return []
  if (!Array.isArray(list)) throw new OtlpMalformedError(`${path}${field} must be an array`)
  return list
}

/** An export request's container (a resource or scope entry) must be an object. */
export function objectAt(value: unknown, path: string): Json {
  if (!isObject(value)) throw new OtlpMalformedError(`${path} must be an object`)
  return value
}

export function scopeOf(value: unknown): OtlpScope {
  const scope = isObject(value) ? value : {}
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? cleanString(v) : null)
  return { name: text(scope.name), version: text(scope.version) }
}

/**
 * An `ExportTraceServiceRequest` (OTLP/JSON, or protobuf decoded to the same shape) read into
 * spans. A request whose containers have the wrong type is malformed (`OtlpMalformedError`); a span
 * with a bad id is rejected alone, so the rest of the request is still taken (OTLP's partial
 * success). Unknown fields are ignored, as the OTLP spec requires.
 */
export function readTraceRequest(body: unknown): { spans: OtlpSpan[]; rejected: OtlpRejection[] } {
  const request = objectAt(body, 'the request body')
  const spans: OtlpSpan[] = []
  const rejected: OtlpRejection[] = []
  listOf(request, 'resourceSpans', '').forEach((rs, r) => {
    const resourceSpans = objectAt(rs, `resourceSpans.${r}`)
    const resource = attributesOf(
      isObject(resourceSpans.resource) ? resourceSpans.resource.attributes : undefined,
    )
    listOf(resourceSpans, 'scopeSpans', `resourceSpans.${r}.`).forEach((ss, s) => {
      const path = `resourceSpans.${r}.scopeSpans.${s}`
      const scopeSpans = objectAt(ss, path)
      const scope = scopeOf(scopeSpans.scope)
      listOf(scopeSpans, 'spans', `${path}.`).forEach((raw, i) => {
        const span = readSpan(raw, resource, scope)
        if (span.ok) spans.push(span.span)
        else rejected.push({ path: `${path}.spans.${i}`, reason: span.reason })
      })
    })
  })
  return { spans, rejected }
}

function readSpan(
  raw: unknown,
  resource: Attributes,
  scope: OtlpScope,
): { ok: true; span: OtlpSpan } | { ok: false; reason: string } {
  if (!isObject(raw)) return { ok: false, reason: 'a span must be an object' }
  const traceId = parseId(raw.traceId, 16)
  if (!traceId.ok) return traceId
  const spanId = parseId(raw.spanId, 8)
  if (!spanId.ok) return spanId
  const parent = parseParentId(raw.parentSpanId)
  if (!parent.ok) return parent
  const status = isObject(raw.status) ? raw.status : {}
  return {
    ok: true,
    span: {
      traceId: traceId.hex,
      spanId: spanId.hex,
      parentSpanId: parent.hex,
      name: typeof raw.name === 'string' ? cleanString(raw.name) : '',
      kind: enumOf(raw.kind, 'SPAN_KIND_', SPAN_KIND_NAMES),
      startMs: parseUnixNanos(raw.startTimeUnixNano),
      endMs: parseUnixNanos(raw.endTimeUnixNano),
      attributes: attributesOf(raw.attributes),
      events: Array.isArray(raw.events)
        ? raw.events.filter(isObject).map((e) => ({
            name: typeof e.name === 'string' ? cleanString(e.name) : '',
            timeMs: parseUnixNanos(e.timeUnixNano),
            attributes: attributesOf(e.attributes),
          }))
        : [],
      links: Array.isArray(raw.links)
        ? raw.links.filter(isObject).flatMap((l) => {
            const t = parseId(l.traceId, 16)
            const s = parseId(l.spanId, 8)
            return t.ok && s.ok ? [{ traceId: t.hex, spanId: s.hex }] : []
          })
        : [],
      status: {
        code: enumOf(status.code, 'STATUS_CODE_', STATUS_CODE_NAMES),
        message:
          typeof status.message === 'string' && status.message !== ''
            ? cleanString(status.message)
            : null,
      },
      resource,
      scope,
    },
  }
}
