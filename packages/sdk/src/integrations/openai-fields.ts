import type { TrailEvent } from '../trail-event.js'
import { count, errorFields, headerFields } from './provider-call.js'

// The parts of the OpenAI API this reads, typed structurally: the SDK imports nothing from `openai`
// (https://platform.openai.com/docs/api-reference/chat/object, .../responses/object).

/** Chat Completions' `usage` and the Responses API's: the two spellings of the same counts. */
export interface OpenAIUsage {
  prompt_tokens?: number | null
  completion_tokens?: number | null
  input_tokens?: number | null
  output_tokens?: number | null
  total_tokens?: number | null
  prompt_tokens_details?: { cached_tokens?: number | null } | null
  input_tokens_details?: { cached_tokens?: number | null } | null
  completion_tokens_details?: { reasoning_tokens?: number | null } | null
  output_tokens_details?: { reasoning_tokens?: number | null } | null
}

export type Json = Record<string, unknown>
export const isObject = (v: unknown): v is Json =>
  v !== null && typeof v === 'object' && !Array.isArray(v)

/**
 * OpenAI's input count INCLUDES the cached tokens (`prompt_tokens_details.cached_tokens`, Responses:
 * `input_tokens_details.cached_tokens`), and its output count includes the reasoning tokens. So
 * `tokens_input` is the input count as reported (the server prices `input - cached` at the input
 * price and `cached` at the cache price) and `tokens_total` is OpenAI's own total. OpenAI reports
 * no cache writes.
 */
export function openaiTokens(reported: OpenAIUsage | null | undefined): TrailEvent {
  if (!isObject(reported)) return {}
  const usage: OpenAIUsage = reported
  const fields: TrailEvent = {
    tokens_input: count(usage.prompt_tokens ?? usage.input_tokens),
    tokens_output: count(usage.completion_tokens ?? usage.output_tokens),
    tokens_cache_read: count(
      (usage.prompt_tokens_details ?? usage.input_tokens_details)?.cached_tokens,
    ),
    tokens_total: count(usage.total_tokens),
  }
  const reasoning = count(
    (usage.completion_tokens_details ?? usage.output_tokens_details)?.reasoning_tokens,
  )
  if (reasoning !== undefined) fields.metadata = { reasoning_tokens: reasoning }
  return fields
}

/** The `x-ratelimit-*` headers (and `retry-after`) as `rate_limit`; the request id and processing time in `metadata`. */
export function openaiHeaderFields(headers: unknown): TrailEvent {
  const fields: TrailEvent = {}
  const rateLimit = headerFields(
    headers,
    (name) => name.startsWith('x-ratelimit-') || name === 'retry-after',
  )
  if (rateLimit) fields.rate_limit = rateLimit
  const ids = headerFields(
    headers,
    (name) => name === 'x-request-id' || name === 'openai-processing-ms',
  )
  if (ids) {
    const metadata: Json = {}
    if (ids['x-request-id']) metadata.request_id = ids['x-request-id']
    if (ids['openai-processing-ms']) metadata.processing_ms = Number(ids['openai-processing-ms'])
    fields.metadata = metadata
  }
  return fields
}

/** The library's APIError: status, the error body's `type` and `code`, the rate-limit headers and request id. */
export function openaiErrorFields(error: unknown): TrailEvent {
  const e = error as { headers?: unknown; type?: unknown; code?: unknown } | undefined
  const fields = openaiHeaderFields(e?.headers)
  const detail: Json = { ...errorFields(error) }
  // The library's error classes do not set `name`: the class says what happened (RateLimitError...).
  const className = (error as { constructor?: { name?: unknown } } | undefined)?.constructor?.name
  if (detail.name === 'Error' && typeof className === 'string' && className !== 'Error')
    detail.name = className
  if (typeof e?.type === 'string') detail.type = e.type
  if (typeof e?.code === 'string') detail.code = e.code
  fields.error = detail
  return fields
}

/** The request settings worth keeping beside the call (`metadata.request`); `tools` reduced to their names. */
export function requestSettings(params: Json, names: readonly string[]): Json | undefined {
  const request: Json = {}
  for (const name of names) if (params[name] !== undefined) request[name] = params[name]
  if (Array.isArray(params.tools)) request.tools = params.tools.map(toolName)
  return Object.keys(request).length > 0 ? request : undefined
}

function toolName(tool: unknown): unknown {
  if (!isObject(tool)) return tool
  if (isObject(tool.function) && typeof tool.function.name === 'string') return tool.function.name
  return tool.name ?? tool.type
}

/** Text of a message's `content`: a string, or the text parts of a list (`text`, `input_text`, `output_text`). */
export function contentText(content: unknown): string | undefined {
  if (typeof content === 'string') return content || undefined
  if (!Array.isArray(content)) return undefined
  const texts = content
    .filter((p): p is { text: string } => isObject(p) && typeof p.text === 'string')
    .map((p) => p.text)
  return texts.length > 0 ? texts.join('\n\n') : undefined
}
