import { z } from 'zod'

/**
 * OTLP/JSON's request and response bodies, for the OpenAPI document (opentelemetry-proto; the
 * receiver reads the requests itself, `readTraceRequest` and `readLogsRequest`). Objects are loose:
 * OTLP requires unknown fields to be ignored.
 */
const AnyValue = z
  .looseObject({
    stringValue: z.string().optional(),
    boolValue: z.boolean().optional(),
    intValue: z.union([z.string(), z.number()]).optional(),
    doubleValue: z.number().optional(),
    arrayValue: z.looseObject({ values: z.array(z.unknown()) }).optional(),
    kvlistValue: z.looseObject({ values: z.array(z.unknown()) }).optional(),
    bytesValue: z.string().optional().describe('base64'),
  })
  .meta({ id: 'OtlpAnyValue' })

const KeyValue = z.looseObject({ key: z.string(), value: AnyValue }).meta({ id: 'OtlpKeyValue' })
const Attributes = z.array(KeyValue).optional()
const Resource = z.looseObject({ attributes: Attributes }).optional()
const Scope = z.looseObject({ name: z.string().optional(), version: z.string().optional() })
const Nanos = z.union([z.string(), z.number()]).describe('Unix nanoseconds, decimal text')

const Span = z
  .looseObject({
    traceId: z.string().describe('32 hex digits'),
    spanId: z.string().describe('16 hex digits'),
    parentSpanId: z.string().optional().describe('16 hex digits; absent or empty for a root span'),
    name: z.string().optional(),
    kind: z
      .union([z.number().int(), z.string()])
      .optional()
      .describe(
        '1 internal, 2 server, 3 client, 4 producer, 5 consumer (or the name, `SPAN_KIND_CLIENT`)',
      ),
    startTimeUnixNano: Nanos.optional(),
    endTimeUnixNano: Nanos.optional(),
    attributes: Attributes,
    events: z
      .array(
        z.looseObject({ name: z.string(), timeUnixNano: Nanos.optional(), attributes: Attributes }),
      )
      .optional(),
    links: z.array(z.looseObject({ traceId: z.string(), spanId: z.string() })).optional(),
    status: z
      .looseObject({
        code: z.union([z.number().int(), z.string()]).optional(),
        message: z.string().optional(),
      })
      .optional()
      .describe('code 0 unset, 1 ok, 2 error (or the name, `STATUS_CODE_ERROR`)'),
  })
  .meta({ id: 'OtlpSpan' })

export const ExportTraceRequestSchema = z
  .looseObject({
    resourceSpans: z
      .array(
        z.looseObject({
          resource: Resource,
          scopeSpans: z.array(z.looseObject({ scope: Scope.optional(), spans: z.array(Span) })),
        }),
      )
      .optional(),
  })
  .meta({ id: 'ExportTraceServiceRequest' })

const LogRecord = z
  .looseObject({
    timeUnixNano: Nanos.optional(),
    observedTimeUnixNano: Nanos.optional(),
    severityNumber: z
      .union([z.number().int(), z.string()])
      .optional()
      .describe('17 to 24: error and fatal (or the name, `SEVERITY_NUMBER_ERROR`)'),
    severityText: z.string().optional(),
    body: AnyValue.optional(),
    attributes: Attributes,
    eventName: z.string().optional().describe('`gen_ai.user.message`, `gen_ai.choice`, ...'),
    traceId: z.string().optional(),
    spanId: z.string().optional(),
  })
  .meta({ id: 'OtlpLogRecord' })

export const ExportLogsRequestSchema = z
  .looseObject({
    resourceLogs: z
      .array(
        z.looseObject({
          resource: Resource,
          scopeLogs: z.array(
            z.looseObject({ scope: Scope.optional(), logRecords: z.array(LogRecord) }),
          ),
        }),
      )
      .optional(),
  })
  .meta({ id: 'ExportLogsServiceRequest' })

export const ExportTraceResponseSchema = z
  .object({
    partialSuccess: z
      .object({
        rejectedSpans: z.string().describe('int64, decimal text'),
        errorMessage: z.string(),
      })
      .optional()
      .describe('Absent when every span was stored without remark.'),
  })
  .meta({ id: 'ExportTraceServiceResponse' })

export const ExportLogsResponseSchema = z
  .object({
    partialSuccess: z
      .object({
        rejectedLogRecords: z.string().describe('int64, decimal text'),
        errorMessage: z.string(),
      })
      .optional()
      .describe('Absent when every record was stored without remark.'),
  })
  .meta({ id: 'ExportLogsServiceResponse' })
