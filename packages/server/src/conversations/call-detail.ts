import type { Event, EventStatus } from '@agenttrail/protocol'
import { contentText } from '../store/conversation-subject.js'
import type { HttpCall } from './http-call.js'
import { httpCallOf } from './http-call.js'
import type { EventTokens } from './timeline-item.js'
import { eventTokens } from './timeline-item.js'
import type { ToolCall } from './tool-calls.js'
import {
  requestedToolCalls,
  resultsById,
  toolCallIdOf,
  toolCallIds,
  toolNameOf,
  withResults,
} from './tool-calls.js'

/** Everything about one call of a conversation (built for `llm_call`; other kinds fill what applies). */
export interface CallDetail {
  id: string
  seq: number
  conversation_id: string
  ts: string
  kind: string
  status: EventStatus
  agent: string | null
  environment: string
  provider: string | null
  model: string | null
  title: string | null
  trace_id: string | null
  span_id: string | null
  parent_span_id: string | null
  /** The prompt text is stored once per org under its SHA-256; `text` is null if only the hash was sent. */
  system_prompt: { sha256: string; text: string | null } | null
  /** The request's messages, as sent. */
  messages: unknown
  /** The event's `input` (the request, where the client logged one). */
  request: unknown
  /** The event's `output` (the response), as sent. */
  response: unknown
  /** The response's text: a string output, or the text blocks of its content. */
  response_text: string | null
  thinking: string | null
  tool_calls: ToolCall[]
  tool: { call_id: string | null; name: string | null } | null
  http: HttpCall | null
  error: unknown
  tokens: EventTokens
  cost_usd: number | null
  cost_source: string | null
  stop_reason: string | null
  duration_ms: number | null
  /** The provider's rate-limit headers at the time of the call. */
  rate_limit: Record<string, unknown> | null
}

type Json = Record<string, unknown>
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v)

/** Text of a response: a string; Anthropic `content` blocks; OpenAI `choices[0].message.content`; `{ text }`. */
export function responseText(output: unknown): string | null {
  if (!isObject(output)) return contentText(output)
  if (output.content !== undefined) return contentText(output.content)
  const choice = Array.isArray(output.choices) ? (output.choices[0] as unknown) : undefined
  if (isObject(choice) && isObject(choice.message)) return contentText(choice.message.content)
  return typeof output.text === 'string' ? output.text : null
}

/** The tool call ids an event asks for, to fetch their results. */
export function requestedCallIds(event: Event): string[] {
  return toolCallIds(requestedToolCalls(event.tool_calls, event.output))
}

export function toCallDetail(
  event: Event & { conversation_id: string },
  promptText: string | undefined,
  results: readonly Event[],
): CallDetail {
  return {
    id: event.id,
    seq: event.seq,
    conversation_id: event.conversation_id,
    ts: event.ts,
    kind: event.kind,
    status: event.status,
    agent: event.agent,
    environment: event.environment,
    provider: event.provider,
    model: event.model,
    title: event.title,
    trace_id: event.trace_id,
    span_id: event.span_id,
    parent_span_id: event.parent_span_id,
    system_prompt:
      event.system_prompt_sha256 === null
        ? null
        : { sha256: event.system_prompt_sha256, text: promptText ?? null },
    messages: event.messages,
    request: event.input,
    response: event.output,
    response_text: responseText(event.output),
    thinking: event.thinking,
    tool_calls: withResults(
      requestedToolCalls(event.tool_calls, event.output),
      resultsById(results),
    ),
    tool:
      event.kind === 'tool_call' ? { call_id: toolCallIdOf(event), name: toolNameOf(event) } : null,
    http: event.kind === 'http_call' ? httpCallOf(event) : null,
    error: event.error,
    tokens: eventTokens(event),
    cost_usd: event.cost_usd,
    cost_source: event.cost_source,
    stop_reason: event.stop_reason,
    duration_ms: event.duration_ms,
    rate_limit: event.rate_limit,
  }
}
