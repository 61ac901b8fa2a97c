import type { TrailEvent } from '../trail-event.js'
import { count, errorFields, headerFields, sumCounts } from './provider-call.js'

// The parts of the Gemini API this reads, typed structurally: the SDK imports nothing from
// `@google/genai` (https://ai.google.dev/api/generate-content).

export interface GeminiPart {
  text?: string
  thought?: boolean
  functionCall?: { id?: string; name?: string; args?: unknown }
  [field: string]: unknown
}

export interface GeminiUsage {
  promptTokenCount?: number
  cachedContentTokenCount?: number
  candidatesTokenCount?: number
  thoughtsTokenCount?: number
  toolUsePromptTokenCount?: number
  totalTokenCount?: number
}

export interface GeminiResponse {
  candidates?: Array<{
    content?: { role?: string; parts?: GeminiPart[] }
    finishReason?: string
    [field: string]: unknown
  }>
  promptFeedback?: { blockReason?: string; [field: string]: unknown }
  usageMetadata?: GeminiUsage
  modelVersion?: string
  responseId?: string
  createTime?: string
  sdkHttpResponse?: { headers?: unknown }
}

type Json = Record<string, unknown>
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v)

// Generation settings worth keeping beside the call; `tools` is reduced to names.
const SETTINGS = [
  'temperature',
  'topP',
  'topK',
  'maxOutputTokens',
  'candidateCount',
  'stopSequences',
  'seed',
  'presencePenalty',
  'frequencyPenalty',
  'responseMimeType',
  'thinkingConfig',
  'toolConfig',
  'cachedContent',
]

/**
 * What a `generateContent` request says about the call: `contents` as sent (`messages`), the last
 * turn as `input` (the prompt, when `contents` is a string), the system instruction's text
 * (stored once per org by the server), the requested model and the settings under `metadata.request`.
 */
export function geminiRequestFields(params: unknown): TrailEvent {
  if (!isObject(params)) return {}
  const fields: TrailEvent = {}
  if (typeof params.model === 'string') fields.model = params.model.replace(/^models\//, '')
  const contents = params.contents
  if (contents !== undefined) {
    fields.messages = Array.isArray(contents) ? [...contents] : contents
    // A list of Contents is a conversation: its last turn is new. A list of parts or strings is one turn.
    const isConversation =
      Array.isArray(contents) && contents.some((c) => isObject(c) && ('role' in c || 'parts' in c))
    fields.input = isConversation ? contents.at(-1) : contents
  }
  const config = isObject(params.config) ? params.config : {}
  const system = partsText(config.systemInstruction)
  if (system) fields.system_prompt = system
  const request: Json = {}
  for (const name of SETTINGS) if (config[name] !== undefined) request[name] = config[name]
  if (Array.isArray(config.tools)) request.tools = config.tools.flatMap(toolNames)
  if (Object.keys(request).length > 0) fields.metadata = { request }
  return fields
}

/** A tool entry: its function declarations' names, or the kind of built-in tool (`googleSearch`...). */
function toolNames(tool: unknown): unknown[] {
  if (!isObject(tool)) return [tool]
  if (Array.isArray(tool.functionDeclarations))
    return tool.functionDeclarations.map((f: unknown) => (isObject(f) ? f.name : f))
  return Object.keys(tool)
}

/** The text of a system instruction: a string, a Content, a Part, or a list of parts or strings. */
function partsText(value: unknown): string | undefined {
  const parts: unknown[] =
    typeof value === 'string'
      ? [value]
      : Array.isArray(value)
        ? value
        : isObject(value) && Array.isArray(value.parts)
          ? value.parts
          : [value]
  const texts = parts
    .map((p) =>
      typeof p === 'string' ? p : isObject(p) && typeof p.text === 'string' ? p.text : '',
    )
    .filter((t) => t)
  return texts.length > 0 ? texts.join('\n\n') : undefined
}

/**
 * What a response says about the call: the response as `output` (its fields as the API sent them,
 * with `text` first, the answer's text, which the library offers only as a getter), the model
 * version, finish reason (or the prompt's block reason), thinking (the `thought` parts, asked for
 * with `includeThoughts`), function calls and token counts.
 */
export function geminiResponseFields(response: GeminiResponse): TrailEvent {
  const candidate = response.candidates?.[0]
  const parts = Array.isArray(candidate?.content?.parts) ? candidate.content.parts : []
  const text = parts.filter((p) => typeof p?.text === 'string' && !p.thought).map((p) => p.text)
  const thoughts = parts.filter((p) => typeof p?.text === 'string' && p.thought).map((p) => p.text)
  const calls = parts.filter((p) => isObject(p?.functionCall)).map((p) => p.functionCall!)
  const { candidates, promptFeedback, usageMetadata, modelVersion, responseId, createTime } =
    response
  const output = {
    text: text.length > 0 ? text.join('') : undefined,
    candidates,
    promptFeedback,
    usageMetadata,
    modelVersion,
    responseId,
    createTime,
  }
  const fields: TrailEvent = {
    output,
    ...geminiTokens(usageMetadata),
    ...rateLimitOf(response.sdkHttpResponse?.headers),
  }
  if (typeof modelVersion === 'string') fields.model = modelVersion
  const stop = candidate?.finishReason ?? promptFeedback?.blockReason
  if (typeof stop === 'string') fields.stop_reason = stop
  if (thoughts.length > 0) fields.thinking = thoughts.join('')
  if (calls.length > 0)
    fields.tool_calls = calls.map((c) =>
      c.id === undefined
        ? { name: c.name, input: c.args }
        : { id: c.id, name: c.name, input: c.args },
    )
  return fields
}

/**
 * Gemini's `promptTokenCount` INCLUDES `cachedContentTokenCount`, so `tokens_input` is the prompt
 * count as reported and `tokens_cache_read` the cached part of it. Thinking is output: Google bills
 * `thoughtsTokenCount` at the output price and does not count it in `candidatesTokenCount`, so
 * `tokens_output` is their sum, as OpenAI's and Anthropic's output counts include reasoning; the
 * split is kept as `metadata.tokens_thoughts`. `toolUsePromptTokenCount` (prompt tokens of tool
 * results, in `totalTokenCount`) is kept as `metadata.tokens_tool_use_prompt`.
 */
export function geminiTokens(usage: GeminiUsage | undefined): TrailEvent {
  if (!isObject(usage)) return {}
  const thoughts = count(usage.thoughtsTokenCount)
  const toolUse = count(usage.toolUsePromptTokenCount)
  const fields: TrailEvent = {
    tokens_input: count(usage.promptTokenCount),
    tokens_output: sumCounts(count(usage.candidatesTokenCount), thoughts),
    tokens_cache_read: count(usage.cachedContentTokenCount),
    tokens_total: count(usage.totalTokenCount),
  }
  if (thoughts !== undefined || toolUse !== undefined)
    fields.metadata = { tokens_thoughts: thoughts, tokens_tool_use_prompt: toolUse }
  return fields
}

/** Gemini sends no rate-limit headers of its own; a gateway's `x-ratelimit-*` and `retry-after` are kept. */
function rateLimitOf(headers: unknown): TrailEvent {
  const rateLimit = headerFields(
    headers,
    (name) => name.startsWith('x-ratelimit-') || name === 'retry-after',
  )
  return rateLimit ? { rate_limit: rateLimit } : {}
}

/**
 * The library's ApiError carries the HTTP status and the error body as its message (JSON). The
 * body's `status` (`RESOURCE_EXHAUSTED`...) becomes the error's `type`; on a 429, its RetryInfo and
 * QuotaFailure details are the rate-limit information the API gives, kept as `rate_limit`.
 */
export function geminiErrorFields(error: unknown): TrailEvent {
  const message = (error as { message?: unknown } | undefined)?.message
  // A failed request's message is the body; an error chunk in a stream is `got status: X. <body>`.
  const start = typeof message === 'string' ? message.indexOf('{') : -1
  let body: unknown
  try {
    body = start >= 0 ? JSON.parse((message as string).slice(start)) : undefined
  } catch {
    return {}
  }
  const detail = isObject(body) && isObject(body.error) ? body.error : undefined
  if (!detail) return {}
  const fields: TrailEvent = {}
  if (typeof detail.status === 'string')
    fields.error = { ...errorFields(error), type: detail.status }
  const rateLimit: Json = {}
  for (const d of Array.isArray(detail.details) ? detail.details : []) {
    if (!isObject(d) || typeof d['@type'] !== 'string') continue
    if (d['@type'].endsWith('google.rpc.RetryInfo')) rateLimit.retry_delay = d.retryDelay
    if (d['@type'].endsWith('google.rpc.QuotaFailure')) rateLimit.quota_violations = d.violations
  }
  if (Object.keys(rateLimit).length > 0) fields.rate_limit = rateLimit
  return fields
}
