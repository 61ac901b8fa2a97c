import type { AttributeReader } from './attribute-reader.js'

/** Token counts as a span reports them: input INCLUDES cache reads and writes (see `usageOf`). */
export interface SpanUsage {
  input?: number
  output?: number
  cache_read?: number
  cache_write?: number
  total?: number
  reasoning?: number
}

/** Providers the GenAI conventions spell otherwise than the price table (`find-model-rates.ts`). */
const PROVIDER_SPELLINGS: Readonly<Record<string, string>> = {
  'gcp.gemini': 'google',
  'gcp.gen_ai': 'google',
  'gcp.vertex_ai': 'google',
}

/**
 * The provider: `gen_ai.provider.name`, its old name `gen_ai.system`, OpenInference's `llm.provider`
 * (who hosts the model) then `llm.system`, the AI SDK's `ai.model.provider`. Google's OTel names
 * become `google`, and the AI SDK's `<provider>.<api>` (`openai.chat`, `anthropic.messages`) its
 * provider, so the price table knows them; `sent` is the original when it was changed.
 */
export function providerOf(attrs: AttributeReader): { provider?: string; sent?: string } {
  const sent = attrs.string(
    'gen_ai.provider.name',
    'gen_ai.system',
    'llm.provider',
    'llm.system',
    'ai.model.provider',
  )
  if (sent === undefined) return {}
  const lower = sent.trim().toLowerCase()
  const provider =
    PROVIDER_SPELLINGS[lower] ?? /^(openai|anthropic|google)\.[\w.-]+$/.exec(lower)?.[1] ?? sent
  return provider === sent ? { provider } : { provider, sent }
}

/**
 * The model that answered (the response's model, which names the snapshot the price table looks
 * up), else the one asked for; `requested` is the asked-for name when it differs.
 */
export function modelOf(attrs: AttributeReader): { model?: string; requested?: string } {
  const answered = attrs.string(
    'gen_ai.response.model',
    'llm.response.model_name',
    'ai.response.model',
    'llm.model_name',
  )
  const requested = attrs.string('gen_ai.request.model', 'llm.request.model_name', 'ai.model.id')
  const model = answered ?? requested
  if (model === undefined) return {}
  return requested !== undefined && requested !== model ? { model, requested } : { model }
}

/**
 * Token counts in every convention: the GenAI names and their old ones (`prompt_tokens`,
 * `completion_tokens`, the underscore cache names), OpenInference's `llm.token_count.*`, and the AI
 * SDK's `ai.usage.*` (v5 and later, and v4's `promptTokens`). All three count cached tokens INSIDE
 * input (GenAI conventions: `gen_ai.usage.input_tokens` "SHOULD include all types of input tokens,
 * including cached tokens"). The AI SDK's break-downs that follow from these (`noCacheTokens`,
 * `textTokens`) are used up too.
 */
export function usageOf(attrs: AttributeReader): SpanUsage {
  const usage: SpanUsage = {}
  const set = (field: keyof SpanUsage, n: number | undefined) => {
    if (n !== undefined) usage[field] = n
  }
  set(
    'input',
    attrs.count(
      'gen_ai.usage.input_tokens',
      'gen_ai.usage.prompt_tokens',
      'llm.token_count.prompt',
      'llm.usage.prompt_tokens',
      'ai.usage.inputTokens',
      'ai.usage.promptTokens',
    ),
  )
  set(
    'output',
    attrs.count(
      'gen_ai.usage.output_tokens',
      'gen_ai.usage.completion_tokens',
      'llm.token_count.completion',
      'llm.usage.completion_tokens',
      'ai.usage.outputTokens',
      'ai.usage.completionTokens',
    ),
  )
  set(
    'cache_read',
    attrs.count(
      'gen_ai.usage.cache_read.input_tokens',
      'gen_ai.usage.cache_read_input_tokens',
      'llm.token_count.prompt_details.cache_read',
      'ai.usage.inputTokenDetails.cacheReadTokens',
      'ai.usage.cachedInputTokens',
    ),
  )
  set(
    'cache_write',
    attrs.count(
      'gen_ai.usage.cache_creation.input_tokens',
      'gen_ai.usage.cache_creation_input_tokens',
      'llm.token_count.prompt_details.cache_write',
      'ai.usage.inputTokenDetails.cacheWriteTokens',
    ),
  )
  set(
    'total',
    attrs.count(
      'gen_ai.usage.total_tokens',
      'llm.usage.total_tokens',
      'llm.token_count.total',
      'ai.usage.totalTokens',
      'ai.usage.tokens',
    ),
  )
  set(
    'reasoning',
    attrs.count(
      'gen_ai.usage.reasoning.output_tokens',
      'llm.token_count.completion_details.reasoning',
      'ai.usage.outputTokenDetails.reasoningTokens',
      'ai.usage.reasoningTokens',
    ),
  )
  attrs.use('ai.usage.inputTokenDetails.noCacheTokens', 'ai.usage.outputTokenDetails.textTokens')
  return usage
}

/** The event's token fields, under the rule of its provider (docs/api.md, "Token counts and cost"). */
export interface EventTokens {
  tokens_input?: number
  tokens_output?: number
  tokens_cache_read?: number
  tokens_cache_write?: number
  tokens_total?: number
}

/**
 * A span's counts as the event's. OpenAI and Google count the cache inside input, as the span does;
 * Anthropic's `tokens_input` is beside the cache, so its cache reads and writes are taken out of the
 * span's input. An input smaller than its cache counts was reported beside it already (some
 * instrumentations pass Anthropic's own `input_tokens` through) and is kept. The total is the
 * span's, or input + output as the span counts them.
 */
export function eventTokens(usage: SpanUsage, provider: string | undefined): EventTokens {
  const tokens: EventTokens = {}
  const read = usage.cache_read ?? 0
  const write = usage.cache_write ?? 0
  if (usage.input !== undefined)
    tokens.tokens_input =
      provider?.toLowerCase() === 'anthropic' && usage.input >= read + write
        ? usage.input - read - write
        : usage.input
  if (usage.output !== undefined) tokens.tokens_output = usage.output
  if (usage.cache_read !== undefined) tokens.tokens_cache_read = usage.cache_read
  if (usage.cache_write !== undefined) tokens.tokens_cache_write = usage.cache_write
  const total =
    usage.total ??
    (usage.input !== undefined || usage.output !== undefined
      ? (usage.input ?? 0) + (usage.output ?? 0)
      : undefined)
  if (total !== undefined) tokens.tokens_total = total
  return tokens
}

/** A cost the span states in US dollars: `gen_ai.usage.cost` or OpenInference's `llm.cost.total`. */
export function costOf(attrs: AttributeReader): number | undefined {
  const value = attrs.first('gen_ai.usage.cost', 'llm.cost.total')
  const n = typeof value === 'string' ? Number(value) : value
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : undefined
}
