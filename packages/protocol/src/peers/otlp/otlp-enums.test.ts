import { describe, expect, it } from 'vitest'
import { eventFromLog } from './event-from-log.js'
import { eventFromSpan } from './event-from-span.js'
import { readLogsRequest } from './otlp-logs-request.js'
import { readTraceRequest } from './otlp-trace-request.js'

const TRACE = '5b8efff798038103d269b633813fc60c'
const SPAN = 'eee19b7ec3c1b174'

function span(fields: Record<string, unknown>) {
  const { spans, rejected } = readTraceRequest({
    resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: TRACE, spanId: SPAN, ...fields }] }] }],
  })
  expect(rejected).toEqual([])
  return spans[0]!
}

function record(fields: Record<string, unknown>) {
  const { records } = readLogsRequest({
    resourceLogs: [{ scopeLogs: [{ logRecords: [fields] }] }],
  })
  return records[0]!
}

describe('OTLP/JSON enums', () => {
  it('reads a span kind and a status code sent as their proto names, as the Collector does', () => {
    const read = span({ kind: 'SPAN_KIND_CLIENT', status: { code: 'STATUS_CODE_ERROR' } })
    expect(read.kind).toBe(3)
    expect(read.status.code).toBe(2)
    expect(eventFromSpan(read)).toMatchObject({
      status: 'error',
      metadata: { otel: { span_kind: 'client' } },
    })
  })

  it('reads the integers the exporters send, and takes an unknown name as unset', () => {
    expect(span({ kind: 2, status: { code: 1 } })).toMatchObject({ kind: 2, status: { code: 1 } })
    expect(span({ kind: 'SPAN_KIND_SIDEWAYS', status: { code: 'NOPE' } })).toMatchObject({
      kind: 0,
      status: { code: 0 },
    })
  })

  it('reads a severity number sent as its proto name, so an error record is an error', () => {
    const read = record({ severityNumber: 'SEVERITY_NUMBER_ERROR', body: { stringValue: 'boom' } })
    expect(read.severityNumber).toBe(17)
    expect(eventFromLog(read)).toMatchObject({ status: 'error', error: { message: 'boom' } })
    expect(record({ severityNumber: 'SEVERITY_NUMBER_FATAL4' }).severityNumber).toBe(24)
    expect(record({ severityNumber: 'SEVERITY_NUMBER_INFO' }).severityNumber).toBe(9)
  })
})
