import type { Context } from 'hono'
import {
  LIMITS,
  OtlpMalformedError,
  eventFromLog,
  eventFromSpan,
  readLogsRequest,
  readTraceRequest,
} from '@agenttrail/protocol'
import type { OtlpRejection } from '@agenttrail/protocol'
import { AppError } from '../../../app-error.js'
import type { IngestService } from '../../../ingest/ingest-service.js'
import { parseJson } from '../../body.js'
import { bytesBody } from '../../route-spec.js'
import type { BodyBytes, BytesBody, RouteSpec } from '../../route-spec.js'
import type { Router } from '../../router.js'
import { OTLP_MEDIA_TYPES, OTLP_PROTOBUF, OtlpStatusSchema } from './otlp-errors.js'
import { ingestItems, outcomeMessage } from './otlp-ingest.js'
import type { MappedItem } from './otlp-ingest.js'
import { OTLP_TYPES, decodeProtobuf, encodeProtobuf } from './otlp-proto.js'
import {
  ExportLogsRequestSchema,
  ExportLogsResponseSchema,
  ExportTraceRequestSchema,
  ExportTraceResponseSchema,
} from './otlp-schemas.js'

/** The two signals: their message types, the name of their items and of the rejected count. */
const SIGNALS = {
  traces: {
    request: OTLP_TYPES.traceRequest,
    response: OTLP_TYPES.traceResponse,
    noun: 'span',
    rejectedField: 'rejectedSpans',
    message: 'ExportTraceServiceRequest',
  },
  logs: {
    request: OTLP_TYPES.logsRequest,
    response: OTLP_TYPES.logsResponse,
    noun: 'log record',
    rejectedField: 'rejectedLogRecords',
    message: 'ExportLogsServiceRequest',
  },
} as const

type Signal = (typeof SIGNALS)[keyof typeof SIGNALS]

/** The request decoded into its OTLP/JSON shape; an empty body is an empty request. */
function decode(signal: Signal, body: BodyBytes): unknown {
  if (body.bytes.length === 0) return {}
  if (body.type !== OTLP_PROTOBUF) return parseJson(body.bytes.toString('utf8'))
  try {
    return decodeProtobuf(signal.request, body.bytes)
  } catch {
    throw new AppError(
      'invalid_body',
      `the request body is not a protobuf-encoded ${signal.message}; check the exporter's protocol (http/protobuf) and that the body is sent whole`,
    )
  }
}

/** Reads a decoded request; a malformed one is a 400 naming what is wrong where. */
function read<T>(reader: () => T): T {
  try {
    return reader()
  } catch (error) {
    if (error instanceof OtlpMalformedError) throw new AppError('validation_failed', error.message)
    throw error
  }
}

/** OTLP's success answer in the request's encoding: empty, or a partial success with its message. */
function answer(c: Context, signal: Signal, type: string, rejected: number, message?: string) {
  const body =
    message === undefined
      ? {}
      : { partialSuccess: { [signal.rejectedField]: String(rejected), errorMessage: message } }
  if (type === OTLP_PROTOBUF)
    return c.body(Buffer.from(encodeProtobuf(signal.response, body)), 200, {
      'content-type': OTLP_PROTOBUF,
    })
  return c.json(body, 200)
}

const spec = (
  signal: 'traces' | 'logs',
  summary: string,
  description: string,
): RouteSpec & { scope: 'ingest'; idempotent: true; body: BytesBody } => ({
  method: 'post',
  path: `/v1/${signal}`,
  tag: 'otlp',
  surface: 'otlp',
  scope: 'ingest',
  summary,
  description,
  body: bytesBody(
    signal === 'traces' ? ExportTraceRequestSchema : ExportLogsRequestSchema,
    OTLP_MEDIA_TYPES,
  ),
  bodyBytes: LIMITS.batchBodyBytes,
  idempotent: true,
  responses: {
    200: {
      description:
        'Stored; a `partialSuccess` names what was rejected and why, or warns of items stored as breaking a control rule',
      schema: signal === 'traces' ? ExportTraceResponseSchema : ExportLogsResponseSchema,
      contentTypes: OTLP_MEDIA_TYPES,
    },
    503: {
      description: 'The store could not take the data just now; retry after `Retry-After`',
      schema: OtlpStatusSchema,
      contentTypes: OTLP_MEDIA_TYPES,
    },
  },
})

/**
 * OTLP/HTTP (`POST /v1/traces`, `POST /v1/logs`): JSON or protobuf, gzip or not, authenticated with
 * the same keys as every route (the `ingest` scope). Each span and each log record becomes one event
 * (`eventFromSpan`, `eventFromLog`) fed to the one ingest pipeline.
 */
export function otlpRoutes(router: Router, ingest: IngestService): void {
  const route = (
    signal: 'traces' | 'logs',
    map: (value: unknown) => {
      items: MappedItem[]
      rejected: OtlpRejection[]
    },
  ) =>
    router.add(
      spec(
        signal,
        signal === 'traces' ? 'Export spans (OTLP/HTTP)' : 'Export log records (OTLP/HTTP)',
        signal === 'traces'
          ? 'An `ExportTraceServiceRequest` as OTLP/JSON or protobuf, optionally gzip. Each span is stored as one event, its GenAI attributes mapped (docs/otlp.md). A span with a bad id is rejected alone (partial success); a retried span is stored once.'
          : 'An `ExportLogsServiceRequest` as OTLP/JSON or protobuf, optionally gzip. Each record is stored as one event; the GenAI message and inference events are mapped (docs/otlp.md).',
      ),
      async (c, input) => {
        const body = input.body
        const { items, rejected } = map(decode(SIGNALS[signal], body))
        const outcome = await ingestItems(ingest, input.ingest, items, rejected)
        if (outcome.replayed) c.header('Idempotent-Replayed', 'true')
        const sig = SIGNALS[signal]
        return answer(c, sig, body.type, outcome.rejected, outcomeMessage(outcome, sig.noun))
      },
    )

  route('traces', (value) => {
    const { spans, rejected } = read(() => readTraceRequest(value))
    return {
      items: spans.map((span) => ({
        event: eventFromSpan(span),
        label: `span ${span.traceId}/${span.spanId}`,
      })),
      rejected,
    }
  })
  route('logs', (value) => {
    const { records, rejected } = read(() => readLogsRequest(value))
    return {
      items: records.map((record, i) => ({
        event: eventFromLog(record),
        label: `log record ${i}`,
      })),
      rejected,
    }
  })
}
