import { LIMITS } from '../../limits.js'
import { AttributeReader } from './attribute-reader.js'
import { isMessageEvent, messagesFromEvents } from './event-messages.js'
import { cut, fitPayload } from './fit-payload.js'
import { deterministicEventId } from './otlp-ids.js'
import { SPAN_KINDS, assembleMetadata, keptEvents, keptResource } from './otlp-metadata.js'
import type { OtlpSpan } from './otlp-trace-request.js'
import { conversationContent, toolContent } from './span-content.js'
import type { SpanContent } from './span-content.js'
import { spanKindOf } from './span-kind.js'
import { costOf, eventTokens, modelOf, providerOf, usageOf } from './span-usage.js'
import { errorOf, httpCallOf, identityOf } from './span-identity.js'

type RawEvent = Record<string, unknown>

const PAYLOADS = ['messages', 'input', 'output', 'tool_calls'] as const

/**
 * One span as the event a client would send to `POST /api/v1/events` (the ingest pipeline then
 * redacts, validates and prices it like any other): its kind (`llm_call`, `tool_call`, `turn` for an
 * agent step, `http_call`, else `action`), trace, span and parent ids, time and duration, agent,
 * environment, user and conversation, status and error, and by kind the provider, model, tokens,
 * messages, system prompt, output, tool calls and stop reason. Attributes no mapping took are kept
 * under `metadata.attributes` (see `assembleMetadata`).
 *
 * The id is derived from the trace and span ids, so a span an exporter sends again is stored once.
 * Only `llm_call` events carry token counts and cost: an agent step's or the AI SDK's outer call's
 * usage sums its model calls', which are events of their own, so it is kept under
 * `metadata.otel.usage` and never counted twice.
 */
export function eventFromSpan(span: OtlpSpan): RawEvent {
  const attrs = new AttributeReader(span.attributes)
  const { kind, operation, convention } = spanKindOf(attrs, span.kind, span.name)
  const startMs = span.startMs === null ? null : Math.floor(span.startMs)
  const endMs = span.endMs === null ? null : Math.floor(span.endMs)
  const event: RawEvent = {
    id: deterministicEventId([span.traceId, span.spanId], startMs ?? endMs),
    kind,
    trace_id: span.traceId,
    span_id: span.spanId,
    ...identityOf(attrs, span.resource),
  }
  if (span.parentSpanId !== null) event.parent_span_id = span.parentSpanId
  if (startMs !== null || endMs !== null) event.ts = startMs ?? endMs
  if (span.startMs !== null && span.endMs !== null && span.endMs >= span.startMs)
    // Whole microseconds: the difference of two doubles carries noise below that.
    event.duration_ms = Math.round((span.endMs - span.startMs) * 1_000) / 1_000
  if (span.name !== '') event.title = cut(span.name, LIMITS.title)

  const own: Record<string, unknown> = {}
  const otel: Record<string, unknown> = {
    ...(span.scope.name !== null && {
      scope:
        span.scope.version === null ? span.scope.name : `${span.scope.name}@${span.scope.version}`,
    }),
    span_kind: SPAN_KINDS[span.kind] ?? String(span.kind),
    ...(convention !== null && { convention }),
  }

  const { provider, sent } = providerOf(attrs)
  const { model, requested } = modelOf(attrs)
  const usage = usageOf(attrs)
  const cost = costOf(attrs)
  const messageEvents = span.events.filter((e) => isMessageEvent(e.name))
  if (provider !== undefined) event.provider = cut(provider, LIMITS.shortString)
  if (model !== undefined) event.model = cut(model, LIMITS.shortString)
  if (sent !== undefined) otel.provider = sent
  if (requested !== undefined) otel.request_model = requested
  const responseId = attrs.string('gen_ai.response.id', 'ai.response.id')
  if (responseId !== undefined) own.response_id = responseId
  if (kind === 'llm_call') {
    if (provider !== undefined) event.service = event.provider
    Object.assign(event, eventTokens(usage, provider))
    if (usage.reasoning !== undefined) own.tokens_reasoning = usage.reasoning
    if (cost !== undefined) event.cost_usd = cost
  } else if (Object.keys(usage).length > 0 || cost !== undefined)
    otel.usage = { ...usage, ...(cost !== undefined && { cost_usd: cost }) }

  let content: SpanContent
  if (kind === 'tool_call') {
    const tool = toolContent(attrs)
    const name = tool.name ?? (span.name || 'tool')
    // As the SDK's tool integrations record them: the tool is the service, the call is `invoke`.
    event.service = cut(name, LIMITS.shortString)
    event.action = 'invoke'
    own.toolName = name
    if (tool.callId !== undefined) own.tool_call_id = tool.callId
    content = tool
  } else {
    content = conversationContent(attrs, messagesFromEvents(messageEvents))
    if (kind === 'http_call') Object.assign(event, httpCallOf(attrs))
  }
  // A generic span is named after what it did; the others after their operation, when it is known.
  if (event.action === undefined && (operation !== null || kind === 'action'))
    event.action = cut(operation ?? (span.name || 'span'), LIMITS.shortString)
  if (kind === 'action' && event.service === undefined && span.scope.name !== null)
    event.service = cut(span.scope.name, LIMITS.shortString)

  const truncated: string[] = []
  for (const field of PAYLOADS) {
    const value = content[field]
    if (value === undefined) continue
    const fitted = fitPayload(value)
    if (fitted.cut) truncated.push(field)
    event[field] = fitted.value
  }
  if (content.system_prompt !== undefined) {
    if (Buffer.byteLength(content.system_prompt) <= LIMITS.payloadBytes)
      event.system_prompt = content.system_prompt
    else truncated.push('system_prompt')
  }
  if (content.thinking !== undefined) event.thinking = cut(content.thinking, LIMITS.thinking / 4)
  if (content.stop_reason !== undefined)
    event.stop_reason = cut(content.stop_reason, LIMITS.shortString)

  const failed = span.status.code === 2
  event.status = failed ? 'error' : 'success'
  const { error, exceptions } = errorOf(attrs, span, failed)
  if (error !== undefined) event.error = error
  if (span.status.message !== null && !failed) otel.status_message = span.status.message
  const others = span.events.filter(
    (e) => !isMessageEvent(e.name) && !(exceptions && e.name === 'exception'),
  )
  if (others.length > 0) otel.events = keptEvents(others)
  if (span.links.length > 0)
    otel.links = span.links.slice(0, 16).map((l) => ({ trace_id: l.traceId, span_id: l.spanId }))
  if (truncated.length > 0) otel.truncated = truncated
  event.metadata = assembleMetadata(own, attrs.rest(), keptResource(span.resource), otel)
  return event
}
