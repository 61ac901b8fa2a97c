import type { Event, EventStatus } from '@agenttrail/protocol'
import type { TimelineEvent } from '../store/conversation-store.js'
import type { HttpCall } from './http-call.js'
import { httpCallOf } from './http-call.js'
import type { ToolCall } from './tool-calls.js'
import {
  requestedToolCalls,
  toolCallIdOf,
  toolCallIds,
  toolNameOf,
  withResults,
} from './tool-calls.js'

/** Token counts of one event; null where the event did not say. `cached` is `tokens_cache_read`. */
export interface EventTokens {
  input: number | null
  output: number | null
  cached: number | null
  cache_write: number | null
  total: number | null
}

/** One entry of a conversation timeline. */
export interface TimelineItem {
  id: string
  seq: number
  ts: string
  kind: string
  status: EventStatus
  agent: string | null
  title: string | null
  service: string | null
  action: string | null
  provider: string | null
  model: string | null
  trace_id: string | null
  span_id: string | null
  parent_span_id: string | null
  tokens: EventTokens
  cost_usd: number | null
  duration_ms: number | null
  stop_reason: string | null
  /** `llm_call`: the tools it asked for, each with its result. Empty for other kinds. */
  tools_called: ToolCall[]
  /** `tool_call`: which tool, and which requested call it answers. */
  tool: { call_id: string | null; name: string | null } | null
  /** `http_call`: method, url and response status. */
  http: HttpCall | null
  /** The event's input and output; null on `llm_call` items, whose request and response the call detail has. */
  input: unknown
  output: unknown
  error: unknown
  has_thinking: boolean
  system_prompt_sha256: string | null
}

export function eventTokens(
  e: Pick<
    Event,
    'tokens_input' | 'tokens_output' | 'tokens_cache_read' | 'tokens_cache_write' | 'tokens_total'
  >,
): EventTokens {
  return {
    input: e.tokens_input,
    output: e.tokens_output,
    cached: e.tokens_cache_read,
    cache_write: e.tokens_cache_write,
    total: e.tokens_total,
  }
}

/** The tool call ids a page of timeline events asks for, to fetch their results in one lookup. */
export function requestedIds(events: readonly TimelineEvent[]): string[] {
  return toolCallIds(
    events
      .filter((e) => e.kind === 'llm_call')
      .flatMap((e) => requestedToolCalls(e.tool_calls, e.output)),
  )
}

export function toTimelineItem(
  e: TimelineEvent,
  results: ReadonlyMap<string, readonly Event[]>,
): TimelineItem {
  const llm = e.kind === 'llm_call'
  return {
    id: e.id,
    seq: e.seq,
    ts: e.ts,
    kind: e.kind,
    status: e.status,
    agent: e.agent,
    title: e.title,
    service: e.service,
    action: e.action,
    provider: e.provider,
    model: e.model,
    trace_id: e.trace_id,
    span_id: e.span_id,
    parent_span_id: e.parent_span_id,
    tokens: eventTokens(e),
    cost_usd: e.cost_usd,
    duration_ms: e.duration_ms,
    stop_reason: e.stop_reason,
    tools_called: llm ? withResults(requestedToolCalls(e.tool_calls, e.output), results) : [],
    tool: e.kind === 'tool_call' ? { call_id: toolCallIdOf(e), name: toolNameOf(e) } : null,
    http: e.kind === 'http_call' ? httpCallOf(e) : null,
    input: llm ? null : e.input,
    output: llm ? null : e.output,
    error: e.error,
    has_thinking: e.has_thinking,
    system_prompt_sha256: e.system_prompt_sha256,
  }
}
