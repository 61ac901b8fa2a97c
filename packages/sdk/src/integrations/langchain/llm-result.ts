import type { TrailEvent } from '../../trail-event.js'
import { thinkingOf } from './langchain-messages.js'
import { normalizeProvider, providerFromModel } from './llm-provider.js'

/**
 * What an `LLMResult` (the argument of `handleLLMEnd`, read duck-typed) says about the call:
 * `{ generations: Generation[][], llmOutput? }`, where a chat generation carries its `message`.
 * LangChain runs one callback run per prompt, so `generations[0]` holds this run's candidates.
 */
export interface LlmOutcome {
  provider?: string
  model?: string
  tokens: Pick<
    TrailEvent,
    'tokens_input' | 'tokens_output' | 'tokens_cache_read' | 'tokens_cache_write' | 'tokens_total'
  >
  stopReason?: string
  output?: unknown
  toolCalls?: unknown[]
  thinking?: string
}

type Obj = Record<string, unknown>
const isObject = (v: unknown): v is Obj => v !== null && typeof v === 'object'
const obj = (v: unknown): Obj => (isObject(v) ? v : {})
const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v.length > 0 ? v : undefined
const count = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined

export function readLlmResult(result: unknown): LlmOutcome {
  const llmOutput = obj(obj(result).llmOutput)
  const candidates = (
    Array.isArray(obj(result).generations) ? (obj(result).generations as unknown[]) : []
  ).flatMap((g) => (Array.isArray(g) ? g.map(obj) : []))
  const first = candidates[0] ?? {}
  const message = obj(first.message)
  const meta = obj(message.response_metadata)
  const info = obj(first.generationInfo)

  const outcome: LlmOutcome = {
    provider: normalizeProvider(str(meta.model_provider)),
    model:
      str(meta.model_name) ??
      str(meta.model) ??
      str(llmOutput.model_name) ??
      str(llmOutput.modelName) ??
      str(llmOutput.model),
    tokens: tokensOf(candidates, llmOutput),
    stopReason:
      str(info.finish_reason) ??
      str(meta.finish_reason) ??
      str(meta.stop_reason) ??
      str(llmOutput.stop_reason),
  }
  const outputs = candidates.map((c) => (isObject(c.message) ? c.message.content : c.text))
  outcome.output = outputs.length > 1 ? outputs : outputs[0]
  if (Array.isArray(message.tool_calls) && message.tool_calls.length > 0)
    outcome.toolCalls = message.tool_calls
  const thinking = thinkingOf(message.content)
  if (thinking !== undefined) outcome.thinking = thinking
  return outcome
}

/**
 * Token counts in LangChain's terms: `usage_metadata` on the message (LangChain 0.2 and later, every
 * provider package) whose `input_tokens` is the sum of all input tokens, cache reads and writes
 * included; else the older `llmOutput.tokenUsage` (`promptTokens`, `completionTokens`, `totalTokens`).
 */
function tokensOf(candidates: Obj[], llmOutput: Obj): LlmOutcome['tokens'] {
  const usage = candidates.map((c) => obj(c.message).usage_metadata).find(isObject)
  if (usage) {
    const details = obj(usage.input_token_details)
    return {
      tokens_input: count(usage.input_tokens),
      tokens_output: count(usage.output_tokens),
      tokens_cache_read: count(details.cache_read),
      tokens_cache_write: count(details.cache_creation),
      tokens_total: count(usage.total_tokens),
    }
  }
  const legacy = obj(llmOutput.tokenUsage ?? llmOutput.token_usage)
  return {
    tokens_input: count(legacy.promptTokens ?? legacy.prompt_tokens),
    tokens_output: count(legacy.completionTokens ?? legacy.completion_tokens),
    tokens_total: count(legacy.totalTokens ?? legacy.total_tokens),
  }
}

/**
 * LangChain's input count in the provider's own terms, which is what AgentTrail's `tokens_input`
 * means (docs/api.md): Anthropic reports input tokens WITHOUT its cache reads and writes, so those
 * come off again (for Claude served by anyone: Bedrock and Vertex report as Anthropic does); OpenAI
 * and Google count cached tokens inside their input count, as LangChain does.
 */
export function providerTokens(
  tokens: LlmOutcome['tokens'],
  provider: string | undefined,
  model: string | undefined,
): LlmOutcome['tokens'] {
  const anthropic = provider === 'anthropic' || providerFromModel(model) === 'anthropic'
  if (!anthropic || tokens.tokens_input === undefined) return tokens
  const cached = (tokens.tokens_cache_read ?? 0) + (tokens.tokens_cache_write ?? 0)
  return { ...tokens, tokens_input: Math.max(0, tokens.tokens_input - cached) }
}
