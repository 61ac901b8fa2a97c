import type { Event } from '@agenttrail/protocol'

/** An outbound HTTP request a tool made, as the timeline shows it. */
export interface HttpCall {
  method: string | null
  url: string | null
  /** The response status code; null when no response came (see the event's `error`). */
  status: number | null
}

type Json = Record<string, unknown>
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v)
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null)
const code = (v: unknown): number | null => {
  const n = typeof v === 'string' && /^\d{3}$/.test(v) ? Number(v) : v
  return typeof n === 'number' && Number.isInteger(n) && n >= 100 && n <= 599 ? n : null
}
const VERB = /^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS|TRACE|CONNECT)$/i

/**
 * Where an `http_call` event keeps its request and response. The request is the event's `input`
 * (`{ method, url, headers?, body? }`), the response its `output` (`{ status, headers?, body? }`).
 * A client that sends `method`, `url` and `status_code` as top-level fields has them kept under
 * `metadata`, so they are read from there too; `action` may carry the method.
 */
export function httpCallOf(
  event: Pick<Event, 'input' | 'output' | 'metadata' | 'action'>,
): HttpCall {
  const input = isObject(event.input) ? event.input : {}
  const output = isObject(event.output) ? event.output : {}
  const meta = event.metadata
  const method =
    str(input.method) ??
    str(meta.method) ??
    (event.action && VERB.test(event.action) ? event.action : null)
  return {
    method: method?.toUpperCase() ?? null,
    url: str(input.url) ?? str(meta.url),
    status:
      code(output.status) ??
      code(output.status_code) ??
      code(meta.status_code) ??
      code(meta.http_status),
  }
}
