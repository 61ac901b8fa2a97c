import { LIMITS } from '../../limits.js'
import { cut, fitAttributes, jsonBytesAtMost } from './fit-payload.js'
import type { OtlpSpanEvent } from './otlp-trace-request.js'
import { setOwn } from './otlp-value.js'
import type { Attributes } from './otlp-value.js'

/**
 * Resource attributes not kept on events: what describes the process rather than the agent (its
 * command line, which can hold secrets, its pid, the OS and host details), the SDK's own name and
 * version, and the environment, which is mapped. `host.name` is kept.
 */
const DROPPED_RESOURCE = /^(process|os|host|telemetry)\.|^deployment\.environment(\.name)?$/

const kept = new WeakMap<Attributes, Record<string, unknown>>()

/**
 * The resource attributes an event keeps under `metadata.resource`: `service.name`,
 * `service.version`, `service.namespace`, `service.instance.id`, `host.name`, `deployment.*`
 * other than the environment, and any attribute of the user's own (set through
 * `OTEL_RESOURCE_ATTRIBUTES`). Computed once per resource, which every span of an export shares.
 */
export function keptResource(resource: Attributes): Record<string, unknown> {
  let out = kept.get(resource)
  if (out === undefined) {
    const attributes: Record<string, unknown> = {}
    for (const [key, value] of resource)
      if (value !== null && (key === 'host.name' || !DROPPED_RESOURCE.test(key)))
        setOwn(attributes, key, value)
    out = fitAttributes(attributes, 8_192).value
    kept.set(resource, out)
  }
  return out
}

/** Span events kept under `metadata.otel.events`: this many at most (the first ones). */
const MAX_EVENTS = 16

/** The span's other events (not exceptions or messages, which are mapped) as `{ name, ts, attributes }`. */
export function keptEvents(events: readonly OtlpSpanEvent[]): Array<Record<string, unknown>> {
  return events.slice(0, MAX_EVENTS).map((e) => {
    const attributes: Record<string, unknown> = {}
    for (const [key, value] of e.attributes) if (value !== null) setOwn(attributes, key, value)
    return {
      name: e.name,
      ...(e.timeMs !== null && { ts: new Date(Math.floor(e.timeMs)).toISOString() }),
      ...(e.attributes.size > 0 && { attributes: fitAttributes(attributes, 4_096).value }),
    }
  })
}

/** OTLP span kinds by their enum value. */
export const SPAN_KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer']

/**
 * The event's `metadata`: the mapping's own fields first, the span's unmapped attributes under
 * `attributes`, the kept resource attributes under `resource`, and what OTLP says about the span
 * itself under `otel`. The unmapped attributes give way first when the whole is over the limit.
 */
export function assembleMetadata(
  own: Record<string, unknown>,
  attributes: Record<string, unknown>,
  resource: Record<string, unknown>,
  otel: Record<string, unknown>,
): Record<string, unknown> {
  const rest = { own, resource, otel }
  const bound = jsonBytesAtMost(rest, 8_192)
  const size = bound <= 8_192 ? bound : Buffer.byteLength(JSON.stringify(rest))
  // The lists of cut and dropped keys come after: room for them (LISTED keys of at most 128).
  const fitted = fitAttributes(attributes, Math.max(LIMITS.objectBytes - size - 16_384, 0))
  const truncated = [
    ...((otel.truncated as string[] | undefined) ?? []),
    ...fitted.cut.map((key) => `attributes.${key}`),
  ]
  const metadata: Record<string, unknown> = { ...own }
  if (Object.keys(fitted.value).length > 0) metadata.attributes = fitted.value
  if (Object.keys(resource).length > 0) metadata.resource = resource
  metadata.otel = {
    ...otel,
    ...(truncated.length > 0 && { truncated: listed(truncated) }),
    ...(fitted.dropped.length > 0 && {
      dropped_attributes: listed(fitted.dropped),
      dropped_attribute_count: fitted.dropped.length,
    }),
  }
  return metadata
}

/** Keys listed in `metadata.otel` at most (the first), each cut to 128 characters. */
const LISTED = 32

function listed(keys: readonly string[]): string[] {
  return keys.slice(0, LISTED).map((k) => cut(k, 128))
}
