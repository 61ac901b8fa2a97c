import { randomBytes } from 'node:crypto'

/** An OTLP `AnyValue` of a plain value, as the JS exporter writes it (ints as JSON numbers). */
export function anyValue(value: unknown): Record<string, unknown> {
  if (typeof value === 'string') return { stringValue: value }
  if (typeof value === 'boolean') return { boolValue: value }
  if (typeof value === 'number')
    return Number.isInteger(value) ? { intValue: value } : { doubleValue: value }
  if (Array.isArray(value)) return { arrayValue: { values: value.map(anyValue) } }
  if (value !== null && typeof value === 'object') return { kvlistValue: { values: kv(value) } }
  return {}
}

/** Attributes as an OTLP `KeyValue` list. */
export function kv(attributes: object): Array<{ key: string; value: Record<string, unknown> }> {
  return Object.entries(attributes).map(([key, value]) => ({ key, value: anyValue(value) }))
}

export const traceId = () => randomBytes(16).toString('hex')
export const spanId = () => randomBytes(8).toString('hex')

/** Unix nanoseconds as OTLP/JSON's decimal text. */
export const nanos = (ms: number, extraNs = 0) =>
  (BigInt(ms) * 1_000_000n + BigInt(extraNs)).toString()

export interface SpanInput {
  traceId?: string
  spanId?: string
  parentSpanId?: string
  name?: string
  kind?: number
  startMs?: number
  durationMs?: number
  attributes?: Record<string, unknown>
  events?: Array<{ name: string; ms?: number; attributes?: Record<string, unknown> }>
  status?: { code: number; message?: string }
}

/** One OTLP/JSON span; ids made up when not given, started a second ago, lasting 250 ms. */
export function span(input: SpanInput = {}): Record<string, unknown> {
  const start = input.startMs ?? Date.now() - 1_000
  return {
    traceId: input.traceId ?? traceId(),
    spanId: input.spanId ?? spanId(),
    ...(input.parentSpanId !== undefined && { parentSpanId: input.parentSpanId }),
    name: input.name ?? 'work',
    kind: input.kind ?? 1,
    startTimeUnixNano: nanos(start),
    endTimeUnixNano: nanos(start + (input.durationMs ?? 250)),
    attributes: kv(input.attributes ?? {}),
    events: (input.events ?? []).map((e) => ({
      name: e.name,
      timeUnixNano: nanos(e.ms ?? start + 1),
      attributes: kv(e.attributes ?? {}),
    })),
    status: input.status ?? { code: 0 },
  }
}

/** An `ExportTraceServiceRequest` of spans from one resource and scope. */
export function traceRequest(
  spans: unknown[],
  resource: Record<string, unknown> = { 'service.name': 'bot' },
  scope = { name: 'test-scope', version: '1.0.0' },
): Record<string, unknown> {
  return {
    resourceSpans: [{ resource: { attributes: kv(resource) }, scopeSpans: [{ scope, spans }] }],
  }
}

export interface LogInput {
  eventName?: string
  ms?: number
  severityNumber?: number
  body?: unknown
  attributes?: Record<string, unknown>
  traceId?: string
  spanId?: string
}

/** An `ExportLogsServiceRequest` of records from one resource. */
export function logsRequest(
  records: LogInput[],
  resource: Record<string, unknown> = { 'service.name': 'bot' },
): Record<string, unknown> {
  return {
    resourceLogs: [
      {
        resource: { attributes: kv(resource) },
        scopeLogs: [
          {
            scope: { name: 'test-logs' },
            logRecords: records.map((r) => ({
              timeUnixNano: nanos(r.ms ?? Date.now() - 1_000),
              ...(r.eventName !== undefined && { eventName: r.eventName }),
              ...(r.severityNumber !== undefined && { severityNumber: r.severityNumber }),
              ...(r.body !== undefined && { body: anyValue(r.body) }),
              attributes: kv(r.attributes ?? {}),
              ...(r.traceId !== undefined && { traceId: r.traceId }),
              ...(r.spanId !== undefined && { spanId: r.spanId }),
            })),
          },
        ],
      },
    ],
  }
}

/**
 * The fields of a protobuf message, by number: varints as numbers, length-delimited fields as bytes
 * (enough to read a `google.rpc.Status` or an export response without a schema).
 */
export function protobufFields(bytes: Uint8Array): Map<number, Array<number | Uint8Array>> {
  const fields = new Map<number, Array<number | Uint8Array>>()
  let at = 0
  const varint = () => {
    let value = 0
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[at++] as number
      value += (byte & 0x7f) * 2 ** shift
      if (byte < 0x80) return value
    }
  }
  while (at < bytes.length) {
    const tag = varint()
    const [field, wire] = [Math.floor(tag / 8), tag % 8]
    let value: number | Uint8Array
    if (wire === 0) value = varint()
    else if (wire === 2) {
      const length = varint()
      value = bytes.subarray(at, (at += length))
    } else throw new Error(`wire type ${wire} is not read here`)
    fields.set(field, [...(fields.get(field) ?? []), value])
  }
  return fields
}

/** A protobuf `google.rpc.Status`: `{ code, message }`. */
export function decodeStatus(bytes: Uint8Array): { code: number; message: string } {
  const fields = protobufFields(bytes)
  return {
    code: (fields.get(1)?.[0] as number | undefined) ?? 0,
    message: Buffer.from((fields.get(2)?.[0] as Uint8Array | undefined) ?? []).toString('utf8'),
  }
}

/** A protobuf export response's partial success: `{ rejected, message }`, or undefined when unset. */
export function decodePartialSuccess(
  bytes: Uint8Array,
): { rejected: number; message: string } | undefined {
  const inner = protobufFields(bytes).get(1)?.[0]
  if (!(inner instanceof Uint8Array)) return undefined
  const fields = protobufFields(inner)
  return {
    rejected: (fields.get(1)?.[0] as number | undefined) ?? 0,
    message: Buffer.from((fields.get(2)?.[0] as Uint8Array | undefined) ?? []).toString('utf8'),
  }
}
