import type { Event, EventStatus } from '@agenttrail/protocol'

/** A tool call an LLM call asked for, with what came of it. */
export interface ToolCall {
  /** The id the model gave the call (Anthropic `tool_use.id`, OpenAI `tool_calls[].id`). */
  id: string | null
  name: string | null
  input: unknown
  /** The tool's output: the answering `tool_call` event's `output`, else a `result` sent inline. */
  result: unknown
  status: EventStatus | null
  error: unknown
  duration_ms: number | null
  /** The `tool_call` event that answered it, when one did. */
  result_event_id: string | null
}

type Json = Record<string, unknown>
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v)
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null)

/** OpenAI sends arguments as a JSON string; anything unparsable stays as sent. */
function parseArguments(value: unknown): unknown {
  if (typeof value !== 'string') return value ?? null
  try {
    return JSON.parse(value) as unknown
  } catch {
    return value
  }
}

function fromEntry(
  entry: unknown,
): Omit<ToolCall, 'status' | 'error' | 'result_event_id'> | undefined {
  if (typeof entry === 'string')
    return { id: null, name: entry, input: null, result: null, duration_ms: null }
  if (!isObject(entry)) return undefined
  const fn = isObject(entry.function) ? entry.function : undefined
  const duration = entry.duration_ms
  return {
    id: str(entry.id) ?? str(entry.tool_call_id) ?? str(entry.call_id),
    name: str(fn?.name) ?? str(entry.name) ?? str(entry.tool_name) ?? str(entry.tool),
    input: fn
      ? parseArguments(fn.arguments)
      : parseArguments(entry.input ?? entry.arguments ?? entry.args ?? null),
    result: entry.result ?? entry.output ?? null,
    duration_ms: typeof duration === 'number' && duration >= 0 ? duration : null,
  }
}

/**
 * The tool calls an LLM call requested, in order, from its `tool_calls` (OpenAI `tool_calls`,
 * Anthropic `tool_use` blocks, or `{ id, name, input }` objects), or else from the `tool_use`
 * blocks of its `output` (an Anthropic response's `content`, or the response itself).
 */
export function requestedToolCalls(
  toolCalls: unknown,
  output: unknown,
): Array<Omit<ToolCall, 'status' | 'error' | 'result_event_id'>> {
  let entries: unknown[] = []
  if (Array.isArray(toolCalls)) entries = toolCalls
  else if (isObject(toolCalls))
    entries = Array.isArray(toolCalls.calls) ? toolCalls.calls : [toolCalls]
  else {
    const content = isObject(output) ? output.content : output
    if (Array.isArray(content))
      entries = content.filter((b) => isObject(b) && b.type === 'tool_use')
  }
  return entries.map(fromEntry).filter((c) => c !== undefined)
}

/** The tool call id a `tool_call` event answers: `metadata.tool_call_id`, else its `span_id`. */
export function toolCallIdOf(event: Pick<Event, 'metadata' | 'span_id'>): string | null {
  return str(event.metadata.tool_call_id) ?? event.span_id
}

/**
 * A `tool_call` event's tool: `metadata.toolName` when a client names it there (the AgentLedger
 * integrations do, with a generic action such as `invoke`), else `action`, else `service`.
 */
export function toolNameOf(
  event: Pick<Event, 'action' | 'service'> & Partial<Pick<Event, 'metadata'>>,
): string | null {
  return str(event.metadata?.toolName) ?? event.action ?? event.service
}

/** Every id the calls name, for one lookup of their results. */
export function toolCallIds(calls: ReadonlyArray<{ id: string | null }>): string[] {
  return [...new Set(calls.map((c) => c.id).filter((id) => id !== null))]
}

/** Groups `tool_call` events by the call id they answer (each list in chronological order). */
export function resultsById(events: readonly Event[]): Map<string, Event[]> {
  const byId = new Map<string, Event[]>()
  for (const event of events) {
    const id = toolCallIdOf(event)
    if (id === null) continue
    const list = byId.get(id)
    if (list) list.push(event)
    else byId.set(id, [event])
  }
  return byId
}

/**
 * Each requested call with its result. A tool reported as a start and an end event (joined at read
 * time) takes the last one's output and status; its duration is the last one's, or else the time
 * between the first and the last.
 */
export function withResults(
  calls: ReadonlyArray<Omit<ToolCall, 'status' | 'error' | 'result_event_id'>>,
  results: ReadonlyMap<string, readonly Event[]>,
): ToolCall[] {
  return calls.map((call) => {
    const found = call.id === null ? undefined : results.get(call.id)
    const last = found?.[found.length - 1]
    const first = found?.[0]
    if (!last || !first) return { ...call, status: null, error: null, result_event_id: null }
    const span = found.length > 1 ? Date.parse(last.ts) - Date.parse(first.ts) : null
    return {
      ...call,
      name: call.name ?? toolNameOf(last),
      result: last.output ?? call.result,
      status: last.status,
      error: last.error,
      duration_ms: last.duration_ms ?? span ?? call.duration_ms,
      result_event_id: last.id,
    }
  })
}
