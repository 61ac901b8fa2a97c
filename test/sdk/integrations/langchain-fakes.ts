import { BaseChatModel } from '@langchain/core/language_models/chat_models'
import type { BaseChatModelParams } from '@langchain/core/language_models/chat_models'
import { BaseLLM } from '@langchain/core/language_models/llms'
import { AIMessage, AIMessageChunk } from '@langchain/core/messages'
import type { BaseMessage } from '@langchain/core/messages'
import { ChatGenerationChunk } from '@langchain/core/outputs'
import type { ChatResult, LLMResult } from '@langchain/core/outputs'

/**
 * Chat and text models built on LangChain's own base classes, so every callback comes from
 * LangChain's real run machinery; only the provider's answer is scripted. They name their provider
 * and model the way the provider packages do (`getLsParams`), and answer with `usage_metadata` and
 * `response_metadata` shaped as @langchain/anthropic and @langchain/openai fill them.
 */
export class ScriptedChatModel extends BaseChatModel {
  readonly seen: BaseMessage[][] = []

  constructor(
    private readonly script: Array<AIMessage | Error>,
    private readonly ls: { provider: string; model: string },
    params: BaseChatModelParams = {},
  ) {
    super(params)
  }

  _llmType(): string {
    return 'scripted'
  }

  override getLsParams(): ReturnType<BaseChatModel['getLsParams']> {
    return { ls_provider: this.ls.provider, ls_model_name: this.ls.model, ls_model_type: 'chat' }
  }

  async _generate(messages: BaseMessage[]): Promise<ChatResult> {
    this.seen.push(messages)
    const next = this.script.shift()
    if (next === undefined) throw new Error('the script ran out')
    if (next instanceof Error) throw next
    const finish = next.response_metadata.stop_reason ?? next.response_metadata.finish_reason
    return {
      generations: [
        {
          text: typeof next.content === 'string' ? next.content : '',
          message: next,
          generationInfo: { finish_reason: finish },
        },
      ],
    }
  }

  /** Streams the next scripted answer word by word; the last chunk carries the usage, as providers send it. */
  override async *_streamResponseChunks(
    messages: BaseMessage[],
  ): AsyncGenerator<ChatGenerationChunk> {
    const { generations } = await this._generate(messages)
    const message = generations[0]!.message as AIMessage
    const words = String(message.content).split(/(?<= )/)
    for (const word of words)
      yield new ChatGenerationChunk({ text: word, message: new AIMessageChunk({ content: word }) })
    yield new ChatGenerationChunk({
      text: '',
      message: new AIMessageChunk({
        content: '',
        usage_metadata: message.usage_metadata,
        response_metadata: message.response_metadata,
      }),
    })
  }
}

/** A completion (text) model answering as the legacy OpenAI completions wrapper does: `llmOutput.tokenUsage`. */
export class ScriptedLLM extends BaseLLM {
  constructor(private readonly answer: string | Error) {
    super({})
  }

  _llmType(): string {
    return 'scripted-llm'
  }

  async _generate(prompts: string[]): Promise<LLMResult> {
    if (this.answer instanceof Error) throw this.answer
    return {
      generations: prompts.map(() => [
        { text: this.answer as string, generationInfo: { finish_reason: 'stop' } },
      ]),
      llmOutput: {
        tokenUsage: { promptTokens: 12, completionTokens: 5, totalTokens: 17 },
        modelName: 'gpt-3.5-turbo-instruct',
      },
    }
  }
}

/** An Anthropic answer as @langchain/anthropic returns it: input_tokens includes the cache reads and writes. */
export function anthropicAnswer(
  content: AIMessage['content'],
  extra: { tool_calls?: AIMessage['tool_calls']; stop_reason?: string } = {},
) {
  return new AIMessage({
    content,
    tool_calls: extra.tool_calls ?? [],
    response_metadata: {
      model_name: 'claude-sonnet-4-5-20250929',
      model_provider: 'anthropic',
      stop_reason: extra.stop_reason ?? 'end_turn',
    },
    usage_metadata: {
      input_tokens: 1500,
      output_tokens: 120,
      total_tokens: 1620,
      input_token_details: { cache_read: 1000, cache_creation: 200 },
    },
  })
}
