import type { TrackOptions, TrackResult } from '../track.js'
import type { TrailEvent } from '../trail-event.js'

/** What these helpers need of the client: `track()` (an `AgentTrail`, also under its name `AgentLedger`). */
export interface Tracker {
  track<T>(options: TrackOptions<T>, fn: () => T | Promise<T>): Promise<TrackResult<T>>
}

/** Tool name → handler, called with the parsed arguments. */
export type ToolHandlers = Record<string, (args: Record<string, unknown>) => unknown>

/** How each tool is recorded: `service` (default the tool's name) and `action` (default `invoke`). */
export type ServiceMap = Record<string, { service: string; action?: string }>

// AgentLedger cut previews at 500 characters; JSON.stringify can throw (cycles, BigInt), recording must not.
function preview(value: unknown): string {
  try {
    return String(JSON.stringify(value)).slice(0, 500)
  } catch {
    return '[unserializable]'
  }
}

/**
 * AgentLedger's `withAgentLedger` (agentledger/integrations/openai): the same function, checked and
 * recorded through `track()` (so a refusal throws before `fn` runs), with
 * `metadata: { source: 'openai-agents', argsPreview }`. The signature is kept.
 */
export function withAgentLedger<TArgs extends unknown[], TResult>(
  ledger: Tracker,
  options: { agent: string; service: string; action: string },
  fn: (...args: TArgs) => Promise<TResult>,
): (...args: TArgs) => Promise<TResult> {
  return async (...args: TArgs) => {
    const metadata = { source: 'openai-agents', argsPreview: preview(args) }
    const { result } = await ledger.track(
      { agent: options.agent, service: options.service, action: options.action, metadata },
      () => fn(...args),
    )
    return result
  }
}

/**
 * The AgentTrail spelling of `withAgentLedger`, taking every `track()` option: the arguments are
 * recorded as `input`, and `check: false`, `captureOutput`, `event` (kind, user, conversation...)
 * apply. The signature of `fn` is kept.
 */
export function withAgentTrail<TArgs extends unknown[], TResult>(
  trail: Tracker,
  options: Omit<TrackOptions<TResult>, 'input'>,
  fn: (...args: TArgs) => Promise<TResult>,
): (...args: TArgs) => Promise<TResult> {
  return async (...args: TArgs) => {
    const metadata = { source: 'openai-agents', ...options.metadata }
    return (await trail.track({ ...options, metadata, input: args }, () => fn(...args))).result
  }
}

/**
 * AgentLedger's `createToolExecutor`: `(toolName, args)` runs the tool's handler through `track()`
 * (service from `serviceMap` or the tool's name, action from it or `invoke`,
 * `metadata: { source: 'openai-agents', toolName, argsPreview }`). Throws `Unknown tool: X`.
 */
export function createToolExecutor(
  ledger: Tracker,
  agent: string,
  handlers: ToolHandlers,
  serviceMap?: ServiceMap,
): (toolName: string, args: Record<string, unknown>) => Promise<unknown> {
  return async (toolName, args) => {
    const handler = handlers[toolName]
    if (!handler || !Object.hasOwn(handlers, toolName)) throw new Error(`Unknown tool: ${toolName}`)
    const mapped = serviceMap?.[toolName]
    const metadata = { source: 'openai-agents', toolName, argsPreview: preview(args) }
    const track = {
      agent,
      service: mapped?.service || toolName,
      action: mapped?.action || 'invoke',
      metadata,
    }
    return (await ledger.track(track, () => handler(args))).result
  }
}

/** AgentLedger's `wrapOpenAICompletion`: `withAgentLedger` with service `openai` and action `completion`. */
export function wrapOpenAICompletion<TArgs extends unknown[], TResult>(
  ledger: Tracker,
  agent: string,
  createFn: (...args: TArgs) => Promise<TResult>,
): (...args: TArgs) => Promise<TResult> {
  return withAgentLedger(ledger, { agent, service: 'openai', action: 'completion' }, createFn)
}

/** A tool call as either API returns it: Chat Completions `{ id, function }` or a Responses `function_call` item. */
export interface ToolCallLike {
  id?: string
  call_id?: string
  type?: string
  name?: string
  arguments?: string
  function?: { name?: string; arguments?: string }
}

/** The answer to one tool call, ready to send back: a `tool` message, or a `function_call_output` item. */
export type ToolMessage =
  | { role: 'tool'; tool_call_id: string; content: string }
  | { type: 'function_call_output'; call_id: string; output: string }

export interface ToolRunOptions {
  agent: string
  handlers: ToolHandlers
  serviceMap?: ServiceMap
  /** Ask the server before each tool runs (a refusal throws). Default true, as `track()`. */
  check?: boolean
  /** More fields for each recorded `tool_call` event (`conversation_id`, `user`, `tags`...). */
  event?: TrailEvent
}

/**
 * Runs the tool calls of one model answer, in order, each through `track()`, and returns the
 * answers to send back. Each is recorded as a `tool_call` event with its arguments as `input`, the
 * handler's result as `output` and the model's call id as `metadata.tool_call_id` (which ties it to
 * the `llm_call` that asked for it). An unknown tool, arguments that are not JSON and a handler's
 * error are thrown, as `createToolExecutor` does; a string result is sent as is, anything else as JSON.
 */
export async function runToolCalls(
  trail: Tracker,
  options: ToolRunOptions,
  toolCalls: readonly ToolCallLike[],
): Promise<ToolMessage[]> {
  const answers: ToolMessage[] = []
  for (const call of toolCalls) {
    const responses = call.type === 'function_call'
    const name = (responses ? call.name : call.function?.name) ?? ''
    const id = (responses ? call.call_id : call.id) ?? ''
    const handler = options.handlers[name]
    if (!handler || !Object.hasOwn(options.handlers, name)) throw new Error(`Unknown tool: ${name}`)
    const text = (responses ? call.arguments : call.function?.arguments) || '{}'
    const args = JSON.parse(text) as Record<string, unknown>
    const mapped = options.serviceMap?.[name]
    // track() lets `event` replace its metadata, so the call id goes into both.
    const metadata = {
      ...options.event?.metadata,
      source: 'openai',
      toolName: name,
      tool_call_id: id,
    }
    const { result } = await trail.track(
      {
        agent: options.agent,
        service: mapped?.service || name,
        action: mapped?.action || 'invoke',
        check: options.check,
        input: args,
        captureOutput: true,
        metadata,
        event: { kind: 'tool_call', ...options.event, metadata },
      },
      () => handler(args),
    )
    const content = typeof result === 'string' ? result : String(JSON.stringify(result ?? null))
    answers.push(
      responses
        ? { type: 'function_call_output', call_id: id, output: content }
        : { role: 'tool', tool_call_id: id, content },
    )
  }
  return answers
}
