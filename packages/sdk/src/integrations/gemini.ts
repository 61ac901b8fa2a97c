import type { TrailEvent } from '../trail-event.js'
import { geminiErrorFields, geminiRequestFields, geminiResponseFields } from './gemini-response.js'
import type { GeminiResponse } from './gemini-response.js'
import { GeminiStreamResponse } from './gemini-stream-response.js'
import { isAsyncIterable, observeStream } from './observe-stream.js'
import { overlay } from './overlay.js'
import {
  ProviderCall,
  isThenable,
  mergeFields,
  optionFields,
  streamCanceled,
} from './provider-call.js'
import type { EventSink, ProviderWrapOptions } from './provider-call.js'

export type { EventSink, ProviderWrapOptions }

type Method = (params: unknown) => unknown

/**
 * A `GoogleGenAI` client (`@google/genai`) whose `models.generateContent` and
 * `models.generateContentStream` are recorded, and with them the turns of chats made with
 * `chats.create()`: one `llm_call` event (provider `google`) per call, a stream's when the
 * application has read it to the end. Everything else is the client itself;
 * the client passed in is not changed.
 *
 * ```ts
 * const ai = wrapGemini(new GoogleGenAI({ apiKey }), trail, { event: { agent: 'analyst' } })
 * ```
 */
export function wrapGemini<G extends object>(
  ai: G,
  trail: EventSink,
  options: ProviderWrapOptions = {},
): G {
  const models = (ai as { models?: Record<string, unknown> }).models
  if (!models || typeof models.generateContent !== 'function') return ai
  const replaced: Record<string, unknown> = {}
  for (const name of ['generateContent', 'generateContentStream']) {
    const method = models[name]
    if (typeof method !== 'function') continue
    replaced[name] = (params: unknown) =>
      recordGeminiCall(trail, () => (method as Method).call(models, params), {
        params,
        event: optionFields(options, params),
      })
  }
  const recordedModels = overlay(models, replaced, false)
  const client: Record<string, unknown> = { models: recordedModels }
  // `chats.create()` gives each Chat the client's models module: the recorded one, so chat turns are recorded too.
  const chats = (ai as { chats?: unknown }).chats
  if (chats !== null && typeof chats === 'object' && 'modelsModule' in chats)
    client.chats = overlay(chats, { modelsModule: recordedModels }, false)
  return overlay(ai, client, true)
}

/**
 * Runs one Gemini call and records it. `call` returns what `generateContent` or
 * `generateContentStream` returns (a promise of the response, or of its chunks' async generator);
 * `@google/generative-ai`'s `{ response }` results are read too. Returns a promise of the very
 * object the call gave; errors are rethrown unchanged. `params` (the request) adds its contents,
 * system instruction and settings; `event`, fields of your own.
 */
export function recordGeminiCall<R>(
  trail: EventSink,
  call: () => R,
  options: { params?: unknown; event?: TrailEvent } = {},
): R {
  const recorder = new ProviderCall(
    trail,
    'google',
    () => geminiRequestFields(options.params),
    options.event,
  )
  let pending: R
  try {
    pending = call()
  } catch (error) {
    recorder.failure(error, () => geminiErrorFields(error))
    throw error
  }
  if (!isThenable(pending)) {
    settle(recorder, pending)
    return pending
  }
  return pending.then(
    (value) => (settle(recorder, value), value),
    (error: unknown) => {
      recorder.failure(error, () => geminiErrorFields(error))
      throw error
    },
  ) as R
}

function settle(recorder: ProviderCall, value: unknown): void {
  try {
    if (!isAsyncIterable(value))
      return recorder.success(() => geminiResponseFields(responseOf(value)))
    const response = new GeminiStreamResponse()
    const partial = () => {
      const result = response.result()
      return result ? geminiResponseFields(result) : {}
    }
    observeStream(value, {
      onItem: (chunk) => response.add(chunk as GeminiResponse),
      onError: (error) => recorder.report(error),
      onEnd: (end) => {
        if (end.how === 'completed') recorder.success(partial)
        else if (end.how === 'failed')
          recorder.failure(end.error, () => mergeFields(partial(), geminiErrorFields(end.error)))
        else recorder.failure(streamCanceled(), partial)
      },
    })
  } catch (error) {
    // The application gets its response whatever happens here.
    recorder.report(error)
  }
}

/** `@google/genai` returns the response; `@google/generative-ai` wraps it as `{ response }`. */
function responseOf(value: unknown): GeminiResponse {
  const v = value as { candidates?: unknown; response?: unknown } | undefined
  if (v && v.candidates === undefined && v.response !== null && typeof v.response === 'object')
    return v.response as GeminiResponse
  return (v ?? {}) as GeminiResponse
}
