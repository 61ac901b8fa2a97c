import type { TrailEvent } from '../trail-event.js'
import { observeApiPromise } from './observe-api-promise.js'
import type { ResponseProps } from './observe-api-promise.js'
import { chatRequestFields, chatResponseFields } from './openai-chat.js'
import type { ChatCompletionLike } from './openai-chat.js'
import { openaiErrorFields, openaiHeaderFields } from './openai-fields.js'
import { OpenAIStreamRecorder } from './openai-stream.js'
import { responsesRequestFields, responsesResponseFields } from './openai-responses.js'
import type { ResponseLike } from './openai-responses.js'
import { overlay } from './overlay.js'
import { ProviderCall, mergeFields, optionFields } from './provider-call.js'
import type { EventSink, ProviderWrapOptions } from './provider-call.js'

export type { EventSink, ProviderWrapOptions }
export {
  createToolExecutor,
  runToolCalls,
  withAgentLedger,
  withAgentTrail,
  wrapOpenAICompletion,
} from './openai-tools.js'
export type {
  ServiceMap,
  ToolCallLike,
  ToolHandlers,
  ToolMessage,
  ToolRunOptions,
} from './openai-tools.js'

/** Which OpenAI API a call went to: it decides how the request is read (`messages` or `input`). */
export type OpenAIApi = 'chat.completions' | 'responses'

type Method = (params: unknown, requestOptions?: unknown) => unknown
type Resource = Record<string, unknown>

/**
 * An OpenAI client whose `chat.completions.create` and `responses.create` are recorded (`parse`
 * too), `stream: true` included. Each call fires one `llm_call` event (provider `openai`, action
 * `chat.completions` or `responses`) when it ends; a stream's when the application has read it to
 * the end. The library's own objects come back: the same promise type (`.withResponse()` and
 * `.asResponse()` keep working), the same ChatCompletion, Response or Stream. Everything else is the
 * client itself; the client passed in is not changed. The `stream()` and `runTools()` helpers are
 * not recorded: they call the original client.
 *
 * ```ts
 * const openai = wrapOpenAI(new OpenAI(), trail, { event: { agent: 'support-bot' } })
 * ```
 */
export function wrapOpenAI<C extends object>(
  client: C,
  trail: EventSink,
  options: ProviderWrapOptions = {},
): C {
  const replaced: Record<string, unknown> = {}
  const chat = (client as { chat?: Resource }).chat
  const completions = chat?.completions as Resource | undefined
  if (chat && completions)
    replaced.chat = overlay(
      chat,
      { completions: recorded(completions, 'chat.completions', trail, options) },
      false,
    )
  const responses = (client as { responses?: Resource }).responses
  if (responses) replaced.responses = recorded(responses, 'responses', trail, options)
  return Object.keys(replaced).length > 0 ? overlay(client, replaced, true) : client
}

function recorded(
  resource: Resource,
  api: OpenAIApi,
  trail: EventSink,
  options: ProviderWrapOptions,
): Resource {
  const methods: Record<string, Method> = {}
  for (const name of ['create', 'parse']) {
    const method = resource[name]
    if (typeof method !== 'function') continue
    methods[name] = (params, requestOptions) =>
      recordOpenAICall(trail, () => (method as Method).call(resource, params, requestOptions), {
        api,
        params,
        event: optionFields(options, params),
      })
  }
  return overlay(resource, methods, false)
}

/**
 * Runs one OpenAI call and records it: `call` returns what `chat.completions.create` or
 * `responses.create` returns (the library's promise, or a plain promise). Returns what the call
 * returns, resolving to the same ChatCompletion, Response or Stream; errors are rethrown unchanged.
 * `params` (the request, read as `api` says) adds messages, system prompt and settings; `event`,
 * fields of your own. Without `params` the request is unknown, and only the answer is recorded.
 */
export function recordOpenAICall<R>(
  trail: EventSink,
  call: () => R,
  options: { api?: OpenAIApi; params?: unknown; event?: TrailEvent } = {},
): R {
  const api = options.api ?? 'chat.completions'
  const readRequest = api === 'responses' ? responsesRequestFields : chatRequestFields
  const recorder = new ProviderCall(
    trail,
    'openai',
    () => mergeFields({ service: 'openai', action: api }, readRequest(options.params)),
    options.event,
  )
  let pending: R
  try {
    pending = call()
  } catch (error) {
    recorder.failure(error, () => openaiErrorFields(error))
    throw error
  }
  return observeApiPromise(
    recorder,
    pending,
    (data, props) => settle(recorder, data, props),
    openaiErrorFields,
  )
}

function settle(recorder: ProviderCall, data: unknown, props: ResponseProps | undefined): void {
  try {
    const headers = () => openaiHeaderFields(props?.response?.headers)
    if (isStream(data)) {
      new OpenAIStreamRecorder(recorder, headers).observe(data)
      return
    }
    const answer = data as ChatCompletionLike & ResponseLike
    const isResponse = answer?.object === 'response'
    const fields = isResponse ? responsesResponseFields : chatResponseFields
    recorder.success(() =>
      mergeFields(
        { action: isResponse ? 'responses' : 'chat.completions' },
        fields(answer),
        headers(),
      ),
    )
  } catch {
    // Recording is best effort; the application gets its data whatever happens here.
  }
}

function isStream(data: unknown): data is object {
  return (
    data !== null &&
    typeof data === 'object' &&
    typeof (data as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function'
  )
}
