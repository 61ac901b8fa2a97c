import type { TrailEvent } from '../trail-event.js'
import { contentText, isObject, openaiTokens, requestSettings } from './openai-fields.js'
import type { OpenAIUsage } from './openai-fields.js'
import { mergeFields } from './provider-call.js'

/** A Chat Completions tool call: `{ id, type: 'function', function: { name, arguments } }`. */
export interface OpenAIToolCall {
  id?: string
  type?: string
  function?: { name?: string; arguments?: string }
}

export interface ChatCompletionLike {
  id?: string
  object?: string
  model?: string
  choices?: Array<{
    index?: number
    message?: {
      role?: string
      content?: string | null
      refusal?: string | null
      tool_calls?: OpenAIToolCall[] | null
    }
    finish_reason?: string | null
  }>
  usage?: OpenAIUsage | null
  system_fingerprint?: string | null
  service_tier?: string | null
}

// https://platform.openai.com/docs/api-reference/chat/create
const SETTINGS = [
  'max_tokens',
  'max_completion_tokens',
  'temperature',
  'top_p',
  'n',
  'stop',
  'seed',
  'tool_choice',
  'parallel_tool_calls',
  'reasoning_effort',
  'response_format',
  'service_tier',
  'stream',
  'stream_options',
]

/**
 * What a `chat.completions.create` request says: `messages` as sent, the last message's content as
 * `input` (the turn's new input; the history is in `messages`), the system and developer messages'
 * text as the system prompt (stored once per org by the server), the requested model, and the
 * settings under `metadata.request`.
 */
export function chatRequestFields(params: unknown): TrailEvent {
  if (!isObject(params)) return {}
  const fields: TrailEvent = {}
  if (typeof params.model === 'string') fields.model = params.model
  if (Array.isArray(params.messages)) {
    const messages: unknown[] = params.messages
    fields.messages = [...messages]
    const last = messages.at(-1)
    if (isObject(last) && last.content !== undefined) fields.input = last.content
    const system = messages
      .filter((m) => isObject(m) && (m.role === 'system' || m.role === 'developer'))
      .map((m) => contentText((m as { content?: unknown }).content))
      .filter((t) => t !== undefined)
    if (system.length > 0) fields.system_prompt = system.join('\n\n')
  }
  const request = requestSettings(params, SETTINGS)
  if (request) fields.metadata = { request }
  return fields
}

/**
 * What a ChatCompletion says: the completion as `output`, its model (the snapshot that answered),
 * the first choice's finish reason and tool calls, the token counts, and the response id.
 */
export function chatResponseFields(completion: ChatCompletionLike): TrailEvent {
  const fields: TrailEvent = { output: completion }
  if (typeof completion.model === 'string') fields.model = completion.model
  const choice = Array.isArray(completion.choices) ? completion.choices[0] : undefined
  if (typeof choice?.finish_reason === 'string') fields.stop_reason = choice.finish_reason
  const toolCalls = choice?.message?.tool_calls
  if (Array.isArray(toolCalls) && toolCalls.length > 0) fields.tool_calls = toolCalls
  const metadata: Record<string, unknown> = {}
  if (typeof completion.id === 'string') metadata.response_id = completion.id
  if (typeof completion.system_fingerprint === 'string')
    metadata.system_fingerprint = completion.system_fingerprint
  if (typeof completion.service_tier === 'string') metadata.service_tier = completion.service_tier
  return mergeFields(
    fields,
    openaiTokens(completion.usage),
    Object.keys(metadata).length > 0 ? { metadata } : undefined,
  )
}
