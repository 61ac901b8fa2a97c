import type { ChatCompletionLike, OpenAIToolCall } from './openai-chat.js'
import type { OpenAIUsage } from './openai-fields.js'

/** One `chat.completion.chunk` (https://platform.openai.com/docs/api-reference/chat-streaming). */
export interface ChatChunk {
  id?: string
  object?: string
  model?: string
  system_fingerprint?: string | null
  service_tier?: string | null
  choices?: Array<{
    index?: number
    delta?: {
      role?: string
      content?: string | null
      refusal?: string | null
      tool_calls?: Array<{
        index?: number
        id?: string
        type?: string
        function?: { name?: string; arguments?: string }
      }> | null
    }
    finish_reason?: string | null
  }>
  usage?: OpenAIUsage | null
}

interface ChoiceState {
  role: string
  content: string
  refusal: string
  toolCalls: OpenAIToolCall[]
  finishReason: string | null
}

/**
 * Rebuilds the ChatCompletion a stream delivers in pieces: the content and tool-call arguments are
 * concatenated per choice and per tool call `index`, as the API splits them. Usage arrives only in
 * the last chunk, and only when the request set `stream_options: { include_usage: true }`.
 */
export class ChatStreamCompletion {
  private readonly choices = new Map<number, ChoiceState>()
  private head: ChatChunk = {}
  private usage: OpenAIUsage | null = null

  add(chunk: ChatChunk): void {
    if (chunk === null || typeof chunk !== 'object') return
    if (this.head.id === undefined) this.head = chunk
    if (chunk.usage) this.usage = chunk.usage
    for (const c of chunk.choices ?? []) {
      const index = c.index ?? 0
      let state = this.choices.get(index)
      if (!state)
        this.choices.set(
          index,
          (state = {
            role: 'assistant',
            content: '',
            refusal: '',
            toolCalls: [],
            finishReason: null,
          }),
        )
      const delta = c.delta ?? {}
      if (delta.role) state.role = delta.role
      if (typeof delta.content === 'string') state.content += delta.content
      if (typeof delta.refusal === 'string') state.refusal += delta.refusal
      for (const part of delta.tool_calls ?? []) {
        const fn = { name: '', arguments: '' }
        const call = (state.toolCalls[part.index ?? 0] ??= {
          id: undefined,
          type: 'function',
          function: fn,
        })
        const into = call.function ?? fn
        if (part.id) call.id = part.id
        if (part.type) call.type = part.type
        if (part.function?.name) into.name += part.function.name
        if (part.function?.arguments) into.arguments += part.function.arguments
      }
      if (c.finish_reason) state.finishReason = c.finish_reason
    }
  }

  /** Every choice got its finish reason: the stream was not cut short. */
  get finished(): boolean {
    return this.choices.size > 0 && [...this.choices.values()].every((c) => c.finishReason !== null)
  }

  /** The completion so far, shaped as the non-streaming API returns it. */
  result(): ChatCompletionLike | undefined {
    if (this.head.id === undefined && this.choices.size === 0) return undefined
    const { id, model, system_fingerprint, service_tier } = this.head
    const choices = [...this.choices.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, c]) => ({
        index,
        message: {
          role: c.role,
          content: c.content || null,
          refusal: c.refusal || null,
          ...(c.toolCalls.length > 0 ? { tool_calls: c.toolCalls.filter(Boolean) } : {}),
        },
        finish_reason: c.finishReason,
      }))
    return {
      id,
      object: 'chat.completion',
      model,
      choices,
      usage: this.usage,
      system_fingerprint,
      service_tier,
    }
  }
}
