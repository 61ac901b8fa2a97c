import type { TrailEvent } from '../trail-event.js'
import { contentText, isObject, openaiTokens, requestSettings } from './openai-fields.js'
import type { Json, OpenAIUsage } from './openai-fields.js'
import { mergeFields } from './provider-call.js'

/** A Responses API `Response` (https://platform.openai.com/docs/api-reference/responses/object). */
export interface ResponseLike {
  id?: string
  object?: string
  model?: string
  status?: string
  output?: Array<Json & { type?: string }>
  incomplete_details?: { reason?: string } | null
  error?: { code?: string; message?: string } | null
  usage?: OpenAIUsage | null
  service_tier?: string | null
}

// https://platform.openai.com/docs/api-reference/responses/create
const SETTINGS = [
  'max_output_tokens',
  'temperature',
  'top_p',
  'reasoning',
  'tool_choice',
  'parallel_tool_calls',
  'text',
  'previous_response_id',
  'conversation',
  'store',
  'truncation',
  'service_tier',
  'stream',
]

/**
 * What a `responses.create` request says: `input` as sent (a string, or the input items, which
 * are also the call's `messages`), `instructions` as the system prompt, the requested model, and
 * the settings under `metadata.request`.
 */
export function responsesRequestFields(params: unknown): TrailEvent {
  if (!isObject(params)) return {}
  const fields: TrailEvent = {}
  if (typeof params.model === 'string') fields.model = params.model
  if (params.input !== undefined) fields.input = params.input
  if (Array.isArray(params.input)) fields.messages = [...(params.input as unknown[])]
  if (typeof params.instructions === 'string' && params.instructions)
    fields.system_prompt = params.instructions
  const request = requestSettings(params, SETTINGS)
  if (request) fields.metadata = { request }
  return fields
}

/**
 * What a Response says: the response as `output`, its model, why it stopped (`completed`, or the
 * reason it is `incomplete`), its function calls (as `{ id: call_id, type: 'function', function }`,
 * the Chat Completions shape, so the call id is the one tool results answer), the reasoning
 * summaries as `thinking`, the token counts and the response id.
 */
export function responsesResponseFields(response: ResponseLike): TrailEvent {
  const fields: TrailEvent = { output: response }
  if (typeof response.model === 'string') fields.model = response.model
  const reason = response.incomplete_details?.reason ?? response.status
  if (typeof reason === 'string') fields.stop_reason = reason
  const items = Array.isArray(response.output) ? response.output : []
  const calls = items
    .filter((item) => isObject(item) && item.type === 'function_call')
    .map((item) => ({
      id: item.call_id,
      type: 'function',
      function: { name: item.name, arguments: item.arguments },
    }))
  if (calls.length > 0) fields.tool_calls = calls
  const summaries = items
    .filter((item) => isObject(item) && item.type === 'reasoning')
    .map((item) => contentText(item.summary))
    .filter((t) => t !== undefined)
  if (summaries.length > 0) fields.thinking = summaries.join('\n\n')
  const metadata: Json = {}
  if (typeof response.id === 'string') metadata.response_id = response.id
  if (typeof response.service_tier === 'string') metadata.service_tier = response.service_tier
  return mergeFields(
    fields,
    openaiTokens(response.usage),
    Object.keys(metadata).length > 0 ? { metadata } : undefined,
  )
}

/** Stream events that end a response and carry it whole, usage included. */
const FINAL_EVENTS = new Set(['response.completed', 'response.incomplete', 'response.failed'])

/**
 * Follows a Responses stream (https://platform.openai.com/docs/api-reference/responses-streaming):
 * the last `response.*` snapshot seen, which the final event (`response.completed`,
 * `response.incomplete` or `response.failed`) delivers whole, usage included.
 */
export class ResponsesStreamResult {
  response: ResponseLike | undefined
  ended = false

  add(event: { type?: string; response?: ResponseLike }): void {
    if (!isObject(event) || typeof event.type !== 'string') return
    if (isObject(event.response)) this.response = event.response
    if (FINAL_EVENTS.has(event.type)) this.ended = true
  }

  get failed(): boolean {
    return this.response?.status === 'failed'
  }
}
