import protobuf from 'protobufjs/light.js'

/**
 * The part of opentelemetry-proto (Apache-2.0, github.com/open-telemetry/opentelemetry-proto,
 * `collector/{trace,logs}/v1/*_service.proto`, `trace/v1/trace.proto`, `logs/v1/logs.proto`,
 * `common/v1/common.proto`, `resource/v1/resource.proto`) and of `google/rpc/status.proto` that
 * the receiver reads and writes, as a protobufjs descriptor, so no `.proto` file ships. Field
 * numbers are upstream's; names are OTLP/JSON's (lowerCamelCase), so a decoded request has the
 * OTLP/JSON shape and one reader serves both encodings. Fields the receiver never reads
 * (`traceState`, `flags`, dropped counts, schema URLs) are left out: protobuf skips them. Enums are
 * declared as int32, their wire type, so unknown values pass as numbers.
 */
const field = (id: number, type: string, rule?: 'repeated') => ({ id, type, ...(rule && { rule }) })

const DESCRIPTOR = {
  nested: {
    otlp: {
      nested: {
        AnyValue: {
          oneofs: {
            value: {
              oneof: [
                'stringValue',
                'boolValue',
                'intValue',
                'doubleValue',
                'arrayValue',
                'kvlistValue',
                'bytesValue',
              ],
            },
          },
          fields: {
            stringValue: field(1, 'string'),
            boolValue: field(2, 'bool'),
            intValue: field(3, 'int64'),
            doubleValue: field(4, 'double'),
            arrayValue: field(5, 'ArrayValue'),
            kvlistValue: field(6, 'KeyValueList'),
            bytesValue: field(7, 'bytes'),
          },
        },
        ArrayValue: { fields: { values: field(1, 'AnyValue', 'repeated') } },
        KeyValueList: { fields: { values: field(1, 'KeyValue', 'repeated') } },
        KeyValue: { fields: { key: field(1, 'string'), value: field(2, 'AnyValue') } },
        InstrumentationScope: { fields: { name: field(1, 'string'), version: field(2, 'string') } },
        Resource: { fields: { attributes: field(1, 'KeyValue', 'repeated') } },
        ExportTraceServiceRequest: {
          fields: { resourceSpans: field(1, 'ResourceSpans', 'repeated') },
        },
        ResourceSpans: {
          fields: {
            resource: field(1, 'Resource'),
            scopeSpans: field(2, 'ScopeSpans', 'repeated'),
          },
        },
        ScopeSpans: {
          fields: { scope: field(1, 'InstrumentationScope'), spans: field(2, 'Span', 'repeated') },
        },
        Span: {
          fields: {
            traceId: field(1, 'bytes'),
            spanId: field(2, 'bytes'),
            parentSpanId: field(4, 'bytes'),
            name: field(5, 'string'),
            kind: field(6, 'int32'),
            startTimeUnixNano: field(7, 'fixed64'),
            endTimeUnixNano: field(8, 'fixed64'),
            attributes: field(9, 'KeyValue', 'repeated'),
            events: field(11, 'SpanEvent', 'repeated'),
            links: field(13, 'SpanLink', 'repeated'),
            status: field(15, 'SpanStatus'),
          },
        },
        SpanEvent: {
          fields: {
            timeUnixNano: field(1, 'fixed64'),
            name: field(2, 'string'),
            attributes: field(3, 'KeyValue', 'repeated'),
          },
        },
        SpanLink: { fields: { traceId: field(1, 'bytes'), spanId: field(2, 'bytes') } },
        SpanStatus: { fields: { message: field(2, 'string'), code: field(3, 'int32') } },
        ExportTraceServiceResponse: { fields: { partialSuccess: field(1, 'TracePartialSuccess') } },
        TracePartialSuccess: {
          fields: { rejectedSpans: field(1, 'int64'), errorMessage: field(2, 'string') },
        },
        ExportLogsServiceRequest: {
          fields: { resourceLogs: field(1, 'ResourceLogs', 'repeated') },
        },
        ResourceLogs: {
          fields: { resource: field(1, 'Resource'), scopeLogs: field(2, 'ScopeLogs', 'repeated') },
        },
        ScopeLogs: {
          fields: {
            scope: field(1, 'InstrumentationScope'),
            logRecords: field(2, 'LogRecord', 'repeated'),
          },
        },
        LogRecord: {
          fields: {
            timeUnixNano: field(1, 'fixed64'),
            severityNumber: field(2, 'int32'),
            severityText: field(3, 'string'),
            body: field(5, 'AnyValue'),
            attributes: field(6, 'KeyValue', 'repeated'),
            traceId: field(9, 'bytes'),
            spanId: field(10, 'bytes'),
            observedTimeUnixNano: field(11, 'fixed64'),
            eventName: field(12, 'string'),
          },
        },
        ExportLogsServiceResponse: { fields: { partialSuccess: field(1, 'LogsPartialSuccess') } },
        LogsPartialSuccess: {
          fields: { rejectedLogRecords: field(1, 'int64'), errorMessage: field(2, 'string') },
        },
        // google.rpc.Status; `details` (google.protobuf.Any) is never sent.
        Status: { fields: { code: field(1, 'int32'), message: field(2, 'string') } },
      },
    },
  },
}

const root = protobuf.Root.fromJSON(DESCRIPTOR)
const type = (name: string) => root.lookupType(`otlp.${name}`)

/** The messages the receiver decodes and encodes. */
export const OTLP_TYPES = {
  traceRequest: type('ExportTraceServiceRequest'),
  traceResponse: type('ExportTraceServiceResponse'),
  logsRequest: type('ExportLogsServiceRequest'),
  logsResponse: type('ExportLogsServiceResponse'),
  status: type('Status'),
}

/**
 * A protobuf request decoded into its OTLP/JSON shape: int64 and fixed64 as decimal text, bytes
 * (ids, `bytesValue`) as base64, which the readers take (`parseId`). Throws on bytes that are not
 * the message (protobufjs: truncated input, a wrong wire type, nesting past 100 levels).
 */
export function decodeProtobuf(messageType: protobuf.Type, bytes: Uint8Array): unknown {
  const message = messageType.decode(bytes)
  return messageType.toObject(message, { longs: String, bytes: String, enums: Number })
}

/** A message encoded; `value` is checked against the type first. */
export function encodeProtobuf(
  messageType: protobuf.Type,
  value: Record<string, unknown>,
): Uint8Array {
  return messageType.encode(messageType.fromObject(value)).finish()
}
