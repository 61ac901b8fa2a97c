import { parseId, parseUnixNanos } from './otlp-ids.js'
import type { OtlpRejection, OtlpScope } from './otlp-trace-request.js'
import { listOf, objectAt, scopeOf } from './otlp-trace-request.js'
import { anyValue, attributesOf, cleanString, enumOf } from './otlp-value.js'
import type { Attributes } from './otlp-value.js'

/** One log record of an export request, checked: ids as lower-case hex (absent when not linked). */
export interface OtlpLogRecord {
  /** Unix ms, with a fraction. */
  timeMs: number | null
  observedMs: number | null
  /** 1 to 24; 17 and above are errors (OTLP `SeverityNumber`). 0 when unset. */
  severityNumber: number
  severityText: string | null
  body: unknown
  attributes: Attributes
  /** `eventName`, or the older `event.name` attribute: `gen_ai.user.message`, ... */
  eventName: string | null
  traceId: string | null
  spanId: string | null
  resource: Attributes
  scope: OtlpScope
}

/** `SeverityNumber`'s names after `SEVERITY_NUMBER_`, in order: 0 unspecified, 1 TRACE to 24 FATAL4. */
const SEVERITY_NAMES = [
  'UNSPECIFIED',
  ...['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'].flatMap((level) =>
    ['', '2', '3', '4'].map((n) => `${level}${n}`),
  ),
]

type Json = Record<string, unknown>
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v)

/**
 * An `ExportLogsServiceRequest` (OTLP/JSON, or protobuf decoded to the same shape) read into log
 * records, as `readTraceRequest` reads spans: wrong containers make the request malformed, a record
 * with a bad trace or span id is rejected alone.
 */
export function readLogsRequest(body: unknown): {
  records: OtlpLogRecord[]
  rejected: OtlpRejection[]
} {
  const request = objectAt(body, 'the request body')
  const records: OtlpLogRecord[] = []
  const rejected: OtlpRejection[] = []
  listOf(request, 'resourceLogs', '').forEach((rl, r) => {
    const resourceLogs = objectAt(rl, `resourceLogs.${r}`)
    const resource = attributesOf(
      isObject(resourceLogs.resource) ? resourceLogs.resource.attributes : undefined,
    )
    listOf(resourceLogs, 'scopeLogs', `resourceLogs.${r}.`).forEach((sl, s) => {
      const path = `resourceLogs.${r}.scopeLogs.${s}`
      const scopeLogs = objectAt(sl, path)
      const scope = scopeOf(scopeLogs.scope)
      listOf(scopeLogs, 'logRecords', `${path}.`).forEach((raw, i) => {
        const record = readRecord(raw, resource, scope)
        if (record.ok) records.push(record.record)
        else rejected.push({ path: `${path}.logRecords.${i}`, reason: record.reason })
      })
    })
  })
  return { records, rejected }
}

/** An optional id: absent or empty is none, anything else must be valid. */
function optionalId(value: unknown, bytes: 16 | 8) {
  if (value === undefined || value === null || value === '') return { ok: true as const, hex: null }
  return parseId(value, bytes)
}

function readRecord(
  raw: unknown,
  resource: Attributes,
  scope: OtlpScope,
): { ok: true; record: OtlpLogRecord } | { ok: false; reason: string } {
  if (!isObject(raw)) return { ok: false, reason: 'a log record must be an object' }
  const traceId = optionalId(raw.traceId, 16)
  if (!traceId.ok) return traceId
  const spanId = optionalId(raw.spanId, 8)
  if (!spanId.ok) return spanId
  const attributes = attributesOf(raw.attributes)
  const named = typeof raw.eventName === 'string' && raw.eventName !== '' ? raw.eventName : null
  const attribute = attributes.get('event.name')
  const eventName = named ?? (typeof attribute === 'string' && attribute !== '' ? attribute : null)
  if (named === null && eventName !== null) attributes.delete('event.name')
  return {
    ok: true,
    record: {
      timeMs: parseUnixNanos(raw.timeUnixNano),
      observedMs: parseUnixNanos(raw.observedTimeUnixNano),
      severityNumber: enumOf(raw.severityNumber, 'SEVERITY_NUMBER_', SEVERITY_NAMES),
      severityText:
        typeof raw.severityText === 'string' && raw.severityText !== ''
          ? cleanString(raw.severityText)
          : null,
      body: anyValue(raw.body),
      attributes,
      eventName: eventName === null ? null : cleanString(eventName),
      traceId: traceId.hex,
      spanId: spanId.hex,
      resource,
      scope,
    },
  }
}
