import { findModelRates } from './find-model-rates.js'
import { usdToMicros } from './money.js'
import { PRICE_TABLE_VERSION } from './price-table.js'
import type { Rates } from './price-table.js'

/** The token counts of one call, as the event carries them (docs/api.md, "Token counts"). */
export interface LlmUsage {
  provider?: string | null
  model?: string | null
  tokens_input?: number | null
  tokens_output?: number | null
  tokens_cache_read?: number | null
  tokens_cache_write?: number | null
}

export interface LlmCost {
  /** Integer micro-dollars, rounded half up once, at the end. */
  micros: number
  /** `price_table@<version>`. */
  source: string
}

export const PRICE_TABLE_SOURCE = `price_table@${PRICE_TABLE_VERSION}`

/**
 * What the price table says one LLM call cost, or `undefined` when it cannot say: no model, a model
 * or provider it does not know, no input or output count, or counts that contradict the provider's
 * rule (more cached tokens than input tokens for OpenAI or Google).
 *
 * `tokens_input` is the provider's own input count, so each provider's rule applies and nothing is
 * counted twice. OpenAI and Google count cache reads INSIDE input: `input - cache_read` is billed at
 * the input price and `cache_read` at the cache price; they bill no cache writes (such tokens are
 * ordinary input), so `tokens_cache_write` is ignored. Anthropic counts them BESIDE input: input,
 * cache reads and cache writes each at their own price, and its prompt is their sum.
 *
 * Exact: prices are integer micro-dollars per million tokens, the products are summed as BigInt, and
 * the one division by a million rounds half up.
 */
export function priceLlmCall(usage: LlmUsage): LlmCost | undefined {
  if (usage.model == null) return undefined
  if (usage.tokens_input == null && usage.tokens_output == null) return undefined
  const match = findModelRates(usage.model, usage.provider)
  if (!match) return undefined

  const input = usage.tokens_input ?? 0
  const output = usage.tokens_output ?? 0
  const read = usage.tokens_cache_read ?? 0
  let write = usage.tokens_cache_write ?? 0
  let fresh = input
  let prompt = input + read + write
  if (match.provider !== 'anthropic') {
    if (read > input) return undefined
    fresh = input - read
    prompt = input
    write = 0
  }

  const long = match.rates.long
  const rates = rates64(long !== undefined && prompt > long.above ? long : match.rates)
  const perMillion =
    BigInt(fresh) * rates.in +
    BigInt(read) * rates.cached +
    BigInt(write) * rates.write +
    BigInt(output) * rates.out
  return { micros: Number((perMillion + 500_000n) / 1_000_000n), source: PRICE_TABLE_SOURCE }
}

const converted = new WeakMap<Rates, Record<'in' | 'cached' | 'write' | 'out', bigint>>()

/** Dollars per million tokens → integer micro-dollars per million tokens, once per rates object. */
function rates64(rates: Rates) {
  let r = converted.get(rates)
  if (r === undefined) {
    const micros = (usd: string) => BigInt(usdToMicros(usd) ?? Number.NaN)
    const input = micros(rates.in)
    // No cache price: cached tokens are ordinary input. No write price (OpenAI, Google): no writes are billed.
    r = {
      in: input,
      cached: rates.cached ? micros(rates.cached) : input,
      write: rates.write ? micros(rates.write) : 0n,
      out: micros(rates.out),
    }
    converted.set(rates, r)
  }
  return r
}
