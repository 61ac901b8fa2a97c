import { LIMITS } from '../../limits.js'
import type { AttributeReader } from './attribute-reader.js'
import { cut } from './fit-payload.js'
import type { OtlpSpan } from './otlp-trace-request.js'
import type { Attributes } from './otlp-value.js'

const short = (text: string) => cut(text, LIMITS.shortString)

/** The resource's `service.name`, unless it is the SDK's placeholder (`unknown_service:node`). */
export function serviceNameOf(resource: Attributes): string | undefined {
  const name = resource.get('service.name')
  return typeof name === 'string' && name.trim() !== '' && !name.startsWith('unknown_service')
    ? name
    : undefined
}

/**
 * Who and where: the agent (`gen_ai.agent.name`, OpenInference's `agent.name`, else the resource's
 * `service.name`), the environment (the resource's `deployment.environment.name`, or its old name
 * `deployment.environment`), the user (`user.id`, `enduser.id`, the AI SDK's
 * `ai.telemetry.metadata.userId`), the conversation (`gen_ai.conversation.id`, OpenInference's
 * `session.id`, the AI SDK's `ai.telemetry.metadata.sessionId`) and tags (OpenInference's
 * `tag.tags`, the AI SDK's `ai.telemetry.metadata.tags`).
 */
export function identityOf(attrs: AttributeReader, resource: Attributes): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  const agent = attrs.string('gen_ai.agent.name', 'agent.name') ?? serviceNameOf(resource)
  if (agent !== undefined) out.agent = short(agent)
  const env = resource.get('deployment.environment.name') ?? resource.get('deployment.environment')
  if (typeof env === 'string' && env.trim() !== '') out.environment = short(env)
  const user = attrs.string('user.id', 'enduser.id', 'ai.telemetry.metadata.userId')
  if (user !== undefined) out.user = short(user)
  const conversation = attrs.string(
    'gen_ai.conversation.id',
    'session.id',
    'ai.telemetry.metadata.sessionId',
  )
  if (conversation !== undefined) out.conversation_id = short(conversation)
  const tags = attrs.first('tag.tags', 'ai.telemetry.metadata.tags')
  if (Array.isArray(tags)) {
    const list = tags
      .filter((t): t is string => typeof t === 'string' && t !== '')
      .map((t) => cut(t, LIMITS.tag))
    if (list.length > 0) out.tags = [...new Set(list)].slice(0, LIMITS.tags)
  }
  return out
}

/**
 * The error of a span that ended with status ERROR: the status message, else the first `exception`
 * event's `exception.message`; its `error.type` or `exception.type`; the exception's stack trace,
 * cut to 8 KiB. `exceptions` is true when the exception events were used (they are not kept again
 * under `metadata.otel.events`). A span that recorded an exception and still ended well is no error.
 */
export function errorOf(
  attrs: AttributeReader,
  span: OtlpSpan,
  failed: boolean,
): { error?: Record<string, unknown>; exceptions: boolean } {
  if (!failed) return { exceptions: false }
  const exception = span.events.find((e) => e.name === 'exception')?.attributes
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined)
  const type = attrs.string('error.type') ?? text(exception?.get('exception.type'))
  const message =
    span.status.message ??
    text(exception?.get('exception.message')) ??
    'the span ended with status ERROR'
  const stack = text(exception?.get('exception.stacktrace'))
  return {
    error: {
      message: cut(message, 8_192),
      ...(type !== undefined && { type: short(type) }),
      ...(stack !== undefined && { stacktrace: cut(stack, 8_192) }),
    },
    exceptions: exception !== undefined,
  }
}

/**
 * An HTTP client span as an `http_call`: the method and URL as its input (`{ method, url }`), the
 * response status as its output, the server as its service and the method as its action, in the
 * current HTTP conventions' names or the old ones (`http.method`, `http.url`, `http.status_code`).
 */
export function httpCallOf(attrs: AttributeReader): Record<string, unknown> {
  const method = attrs.string('http.request.method', 'http.method')
  const url = attrs.string('url.full', 'http.url')
  const status = attrs.count('http.response.status_code', 'http.status_code')
  let host = attrs.string('server.address', 'net.peer.name')
  if (host === undefined && url !== undefined)
    try {
      host = new URL(url).hostname
    } catch {
      host = undefined
    }
  return {
    ...(host !== undefined && { service: short(host) }),
    ...(method !== undefined && { action: short(method.toUpperCase()) }),
    input: { ...(method !== undefined && { method }), ...(url !== undefined && { url }) },
    ...(status !== undefined && { output: { status } }),
  }
}
