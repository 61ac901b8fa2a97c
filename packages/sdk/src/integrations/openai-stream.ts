import type { TrailEvent } from '../trail-event.js'
import { chatResponseFields } from './openai-chat.js'
import { ChatStreamCompletion } from './openai-chat-stream.js'
import type { ChatChunk } from './openai-chat-stream.js'
import { openaiErrorFields } from './openai-fields.js'
import { ResponsesStreamResult, responsesResponseFields } from './openai-responses.js'
import { observeStream } from './observe-stream.js'
import { mergeFields, streamCanceled } from './provider-call.js'
import type { ProviderCall } from './provider-call.js'

/**
 * Records a stream of either API as the application reads it, telling them apart by their items:
 * `chat.completion.chunk` objects, or `response.*` events. The stream object goes back unchanged;
 * one event is fired when the read ends:
 * - read to its end: success, with the rebuilt answer. A chat stream has token counts only when the
 *   request set `stream_options: { include_usage: true }` (the usage chunk); without it the call is
 *   recorded without tokens, and so without a price. A Responses stream always ends with its usage;
 * - the read failed, or the answer says it failed (`response.failed`): error, with what arrived;
 * - the application stopped reading, or the stream ended before the answer's end: error
 *   `StreamCanceled`, with what arrived.
 */
export class OpenAIStreamRecorder {
  private readonly chat = new ChatStreamCompletion()
  private readonly responses = new ResponsesStreamResult()
  private kind: 'chat' | 'responses' | undefined
  private firstItemMs: number | undefined
  private readonly t0 = performance.now()

  constructor(
    private readonly recorder: ProviderCall,
    private readonly headers: () => TrailEvent,
  ) {}

  observe<S extends object>(stream: S): S {
    return observeStream(stream, {
      onItem: (item) => this.add(item),
      onEnd: (end) => {
        if (end.how === 'failed')
          this.recorder.failure(end.error, () =>
            mergeFields(this.partial(), openaiErrorFields(end.error)),
          )
        else if (end.how === 'completed' && this.finished && !this.responses.failed)
          this.recorder.success(() => this.partial())
        else if (this.responses.failed)
          this.recorder.failure(responseFailure(this.responses.response?.error), () =>
            this.partial(),
          )
        else this.recorder.failure(streamCanceled(), () => this.partial())
      },
    })
  }

  private add(item: unknown): void {
    this.firstItemMs ??= Math.round(performance.now() - this.t0)
    const typed = item as ChatChunk & { type?: string }
    if (this.kind === undefined)
      this.kind = typed?.object === 'chat.completion.chunk' ? 'chat' : 'responses'
    if (this.kind === 'chat') this.chat.add(typed)
    else this.responses.add(typed as Parameters<ResponsesStreamResult['add']>[0])
  }

  private get finished(): boolean {
    return this.kind === 'chat' ? this.chat.finished : this.responses.ended
  }

  /** What arrived, as the non-streaming call would have recorded it, plus `metadata.stream`. */
  private partial(): TrailEvent {
    const stream: Record<string, unknown> = { stream: true }
    if (this.firstItemMs !== undefined) stream.first_chunk_ms = this.firstItemMs
    let answer: TrailEvent = {}
    if (this.kind === 'chat') {
      const completion = this.chat.result()
      if (completion) answer = chatResponseFields(completion)
      if (!completion?.usage) stream.usage = 'not_in_stream'
    } else if (this.kind === 'responses' && this.responses.response) {
      answer = { action: 'responses', ...responsesResponseFields(this.responses.response) }
    }
    return mergeFields(answer, this.headers(), { metadata: stream })
  }
}

function responseFailure(error: { code?: string; message?: string } | null | undefined): Error {
  const failure = new Error(error?.message ?? 'The response failed')
  failure.name = 'ResponseFailed'
  if (error?.code) (failure as Error & { code?: string }).code = error.code
  return failure
}
