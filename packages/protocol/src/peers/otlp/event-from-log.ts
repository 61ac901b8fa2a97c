import { LIMITS } from '../../limits.js'
import { AttributeReader } from './attribute-reader.js'
import { DETAILS_EVENT, MESSAGE_EVENTS, messageOfEvent } from './event-messages.js'
import { cut, fitPayload } from './fit-payload.js'
import { deterministicEventId } from './otlp-ids.js'
import type { OtlpLogRecord } from './otlp-logs-request.js'
import { assembleMetadata, keptResource } from './otlp-metadata.js'
import { conversationContent } from './span-content.js'
import type { SpanContent } from './span-content.js'
import { identityOf } from './span-identity.js'
import { costOf, eventTokens, modelOf, providerOf, usageOf } from './span-usage.js'

type RawEvent = Record<string, unknown>

const PAYLOADS = ['messages', 'input', 'output', 'tool_calls'] as const

/** The SeverityNumber from which a record is an error (ERROR is 17 to 20, FATAL 21 to 24). */
const SEVERITY_ERROR = 17

/**
 * One log record as an event. Each is an event of its own, appended like any other (the store never
 * changes an event, so a record cannot be folded into its span's event after the fact); one linked
 * to a span names it as its `parent_span_id`, under the same `trace_id`, so it sits under the span
 * in the trace.
 *
 * - The GenAI message events (`gen_ai.system.message`, `gen_ai.user.message`,
 *   `gen_ai.assistant.message`, `gen_ai.tool.message`, `gen_ai.choice`) are `message` events: the
 *   message under `messages`, its content as `input` (or the choice as `output`, with its tool calls
 *   and finish reason); a system message is the system prompt, stored once per org.
 * - `gen_ai.client.inference.operation.details` carries a whole model call. Linked to a span, it is
 *   a `message` event with the call's messages, system prompt and output, and its token counts only
 *   under `metadata.otel.usage`: the span's `llm_call` event counts them. Alone (no span), it is the
 *   `llm_call`, with tokens, model and the price table's cost.
 * - Any other record is an `action` named after its event name (or `log`), its body as `input` and
 *   its first line as the title; severity ERROR and above is an `error`.
 */
export function eventFromLog(record: OtlpLogRecord): RawEvent {
  const attrs = new AttributeReader(record.attributes)
  const at = record.timeMs ?? record.observedMs
  const ms = at === null ? null : Math.floor(at)
  const name = record.eventName
  const event: RawEvent = {
    id: deterministicEventId(['log', recordKey(record)], ms),
    ...identityOf(attrs, record.resource),
  }
  if (ms !== null) event.ts = ms
  if (record.traceId !== null) event.trace_id = record.traceId
  if (record.spanId !== null) event.parent_span_id = record.spanId
  const own: Record<string, unknown> = {}
  const otel: Record<string, unknown> = {
    ...(record.scope.name !== null && { scope: record.scope.name }),
    ...(name !== null && { event_name: name }),
    ...(record.severityText !== null || record.severityNumber > 0
      ? { severity: record.severityText ?? record.severityNumber }
      : {}),
  }
  const { provider, sent } = providerOf(attrs)
  if (provider !== undefined) event.provider = cut(provider, LIMITS.shortString)
  if (sent !== undefined) otel.provider = sent

  let content: SpanContent = {}
  if (name !== null && name in MESSAGE_EVENTS) {
    event.kind = 'message'
    const message = messageOfEvent(name, record.body)
    if (message?.role === 'system' && typeof message.content === 'string')
      content.system_prompt = message.content
    else if (message && name === 'gen_ai.choice') {
      content.output = message
      if (message.tool_calls) content.tool_calls = message.tool_calls
      if (message.finish_reason) content.stop_reason = message.finish_reason
    } else if (message) {
      content.messages = [message]
      if (message.content !== undefined) content.input = message.content
    }
  } else if (name === DETAILS_EVENT) {
    const linked = record.spanId !== null
    event.kind = linked ? 'message' : 'llm_call'
    const { model, requested } = modelOf(attrs)
    if (model !== undefined) event.model = cut(model, LIMITS.shortString)
    if (requested !== undefined) otel.request_model = requested
    const usage = usageOf(attrs)
    const cost = costOf(attrs)
    if (!linked) {
      Object.assign(event, eventTokens(usage, provider))
      if (cost !== undefined) event.cost_usd = cost
      if (provider !== undefined) event.service = event.provider
    } else if (Object.keys(usage).length > 0 || cost !== undefined)
      otel.usage = { ...usage, ...(cost !== undefined && { cost_usd: cost }) }
    content = conversationContent(attrs, { input: [], output: [] })
    const operation = attrs.string('gen_ai.operation.name')
    if (operation !== undefined) event.action = cut(operation, LIMITS.shortString)
  } else {
    event.kind = 'action'
    if (record.body !== null) content.input = record.body
    if (record.scope.name !== null) event.service = cut(record.scope.name, LIMITS.shortString)
  }
  event.action ??= cut(name ?? 'log', LIMITS.shortString)
  const text = typeof record.body === 'string' ? record.body.split('\n', 1)[0]?.trim() : undefined
  event.title = cut(text || name || 'log', LIMITS.title)

  const truncated: string[] = []
  for (const field of PAYLOADS) {
    if (content[field] === undefined) continue
    const fitted = fitPayload(content[field])
    if (fitted.cut) truncated.push(field)
    event[field] = fitted.value
  }
  if (content.system_prompt !== undefined) {
    if (Buffer.byteLength(content.system_prompt) <= LIMITS.payloadBytes)
      event.system_prompt = content.system_prompt
    else truncated.push('system_prompt')
  }
  if (content.stop_reason !== undefined)
    event.stop_reason = cut(content.stop_reason, LIMITS.shortString)
  const failed = record.severityNumber >= SEVERITY_ERROR
  event.status = failed ? 'error' : 'success'
  if (failed) {
    const type = attrs.string('exception.type', 'error.type')
    const message = attrs.string('exception.message') ?? text ?? 'the record has severity ERROR'
    event.error = { message: cut(message, 8_192), ...(type !== undefined && { type }) }
  }
  if (truncated.length > 0) otel.truncated = truncated
  event.metadata = assembleMetadata(own, attrs.rest(), keptResource(record.resource), otel)
  return event
}

/**
 * What tells one record from another, for its id: its times, ids, name, severity, body and
 * attributes. A record an exporter sends again is the same, so it is stored once.
 */
function recordKey(record: OtlpLogRecord): string {
  return JSON.stringify([
    record.timeMs,
    record.observedMs,
    record.traceId,
    record.spanId,
    record.eventName,
    record.severityNumber,
    record.severityText,
    record.body,
    [...record.attributes],
  ])
}
