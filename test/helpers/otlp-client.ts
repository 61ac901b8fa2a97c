import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http'
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs'
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node'

type ExporterConfig = NonNullable<ConstructorParameters<typeof JsonTraceExporter>[0]>

export interface ExportTarget {
  /** The server's base URL (`http://127.0.0.1:<port>`), as `OTEL_EXPORTER_OTLP_ENDPOINT` names it. */
  url: string
  key: string
  protocol: 'json' | 'protobuf'
  gzip?: boolean
  /** Resource attributes; default `service.name: bot`. */
  resource?: Record<string, string>
}

const exporterConfig = (target: ExportTarget, signal: 'traces' | 'logs'): ExporterConfig => ({
  url: `${target.url}/v1/${signal}`,
  headers: { authorization: `Bearer ${target.key}` },
  // The enum's value is this very string.
  compression: (target.gzip ? 'gzip' : 'none') as ExporterConfig['compression'],
})

/**
 * A tracer provider as an application sets one up: the SDK's batch processor and the published
 * OTLP/HTTP exporter (JSON or protobuf, gzip or not) pointed at the server. `forceFlush()` resolves
 * once the server has answered every export.
 */
export function tracerProvider(target: ExportTarget): NodeTracerProvider {
  const config = exporterConfig(target, 'traces')
  const exporter =
    target.protocol === 'json' ? new JsonTraceExporter(config) : new ProtoTraceExporter(config)
  return new NodeTracerProvider({
    resource: resourceFromAttributes(target.resource ?? { 'service.name': 'bot' }),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  })
}

/** A logger provider with the published OTLP/HTTP log exporter (JSON) pointed at the server. */
export function loggerProvider(target: Omit<ExportTarget, 'protocol'>): LoggerProvider {
  return new LoggerProvider({
    resource: resourceFromAttributes(target.resource ?? { 'service.name': 'bot' }),
    processors: [
      new BatchLogRecordProcessor({
        exporter: new OTLPLogExporter(exporterConfig({ ...target, protocol: 'json' }, 'logs')),
      }),
    ],
  })
}

/** The events of the key's org (newest first), read through the API. */
export async function storedEvents(
  url: string,
  key: string,
  query = '',
): Promise<Array<Record<string, any>>> {
  const res = await fetch(`${url}/api/v1/events?limit=200${query}`, {
    headers: { authorization: `Bearer ${key}` },
  })
  if (res.status !== 200) throw new Error(`reading events answered ${res.status}`)
  return ((await res.json()) as { events: Array<Record<string, any>> }).events
}
