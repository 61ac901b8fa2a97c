import type { TrailEvent } from '../trail-event.js'
import { count, headerFields, sumCounts } from './provider-call.js'

// The parts of the Messages API this reads, typed structurally: the SDK imports nothing from
// `@anthropic-ai/sdk` (https://docs.anthropic.com/en/api/messages).

export interface AnthropicUsage {
  input_tokens?: number | null
  output_tokens?: number | null
  cache_read_input_tokens?: number | null
  cache_creation_input_tokens?: number | null
}

export interface AnthropicBlock {
  type: string
  text?: string
  thinking?: string
  id?: string
  name?: string
  input?: unknown
}

export interface AnthropicMessage {
  id?: string
  model?: string
  content?: AnthropicBlock[]
  stop_reason?: string | null
  usage?: AnthropicUsage
}

type Params = Record<string, unknown>
const isObject = (v: unknown): v is Params =>
  v !== null && typeof v === 'object' && !Array.isArray(v)

// Request settings worth keeping beside the call; `tools` is reduced to the tools' names.
const SETTINGS = [
  'max_tokens',
  'temperature',
  'top_p',
  'top_k',
  'stop_sequences',
  'tool_choice',
  'thinking',
  'service_tier',
  'stream',
]

/**
 * What a `messages.create` request says about the call: `messages` as sent, the last message's
 * content as `input` (the turn's new input: the user's prompt or the tool results; the whole history
 * is in `messages`), the system prompt (stored once per org by the server), the requested model,
 * and the settings under `metadata.request`.
 */
export function anthropicRequestFields(params: unknown): TrailEvent {
  if (!isObject(params)) return {}
  const fields: TrailEvent = {}
  if (typeof params.model === 'string') fields.model = params.model
  if (Array.isArray(params.messages)) {
    fields.messages = [...params.messages]
    const last: unknown = params.messages.at(-1)
    if (isObject(last) && last.content !== undefined) fields.input = last.content
  }
  const system = systemText(params.system)
  if (system) fields.system_prompt = system
  const request: Record<string, unknown> = {}
  for (const name of SETTINGS) if (params[name] !== undefined) request[name] = params[name]
  if (Array.isArray(params.tools))
    request.tools = params.tools.map((t: unknown) => (isObject(t) ? (t.name ?? t.type) : t))
  if (Object.keys(request).length > 0) fields.metadata = { request }
  return fields
}

/** `system` is a string or a list of text blocks (each may carry `cache_control`). */
function systemText(system: unknown): string | undefined {
  if (typeof system === 'string') return system || undefined
  if (!Array.isArray(system)) return undefined
  const texts = system
    .filter((b): b is { text: string } => isObject(b) && typeof b.text === 'string')
    .map((b) => b.text)
  return texts.length > 0 ? texts.join('\n\n') : undefined
}

/**
 * What a Message says about the call: the message itself as `output`, its model, stop reason,
 * thinking text, tool calls (`tool_use` blocks, also server and MCP tool use) and token counts.
 */
export function anthropicResponseFields(message: AnthropicMessage): TrailEvent {
  const fields: TrailEvent = { output: message, ...anthropicTokens(message.usage) }
  if (typeof message.model === 'string') fields.model = message.model
  if (typeof message.stop_reason === 'string') fields.stop_reason = message.stop_reason
  const content = Array.isArray(message.content) ? message.content : []
  const thinking = content
    .filter((b) => b?.type === 'thinking' && typeof b.thinking === 'string')
    .map((b) => b.thinking)
  if (thinking.length > 0) fields.thinking = thinking.join('\n\n')
  const toolCalls = content.filter(
    (b) => typeof b?.type === 'string' && b.type.endsWith('tool_use'),
  )
  if (toolCalls.length > 0) fields.tool_calls = toolCalls
  return fields
}

/**
 * Anthropic's `input_tokens` EXCLUDES the cache: reads and writes are counted beside it. So
 * `tokens_input` is `input_tokens` as reported (the provider's own count; the server prices by the
 * provider's rule), and `tokens_total` is everything the call processed: input, cache read, cache
 * write and output (the server's default, input + output, would leave the cache out).
 */
export function anthropicTokens(usage: AnthropicUsage | undefined): TrailEvent {
  if (!isObject(usage)) return {}
  const input = count(usage.input_tokens)
  const output = count(usage.output_tokens)
  const cacheRead = count(usage.cache_read_input_tokens)
  const cacheWrite = count(usage.cache_creation_input_tokens)
  return {
    tokens_input: input,
    tokens_output: output,
    tokens_cache_read: cacheRead,
    tokens_cache_write: cacheWrite,
    tokens_total: sumCounts(input, cacheRead, cacheWrite, output),
  }
}

/** The `anthropic-ratelimit-*` headers (and `retry-after`), and the request id, from a response's headers. */
export function anthropicHeaderFields(headers: unknown): TrailEvent {
  const fields: TrailEvent = {}
  const rateLimit = headerFields(
    headers,
    (name) => name.startsWith('anthropic-ratelimit-') || name === 'retry-after',
  )
  if (rateLimit) fields.rate_limit = rateLimit
  const requestId = headerFields(headers, (name) => name === 'request-id')?.['request-id']
  if (requestId) fields.metadata = { request_id: requestId }
  return fields
}
