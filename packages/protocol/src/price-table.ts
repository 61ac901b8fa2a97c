/**
 * The server's price table: list prices in US dollars per million tokens (standard tier, no batch,
 * flex or priority discount), by provider and model. The server prices an LLM call with it when the
 * client sends no `cost_usd` (see `price-llm-call.ts`) and stamps `cost_source: price_table@<version>`.
 * A price change is a new version: change `PRICE_TABLE_VERSION`, never a number under an old one.
 *
 * Per model: `in` (fresh input), `cached` (cache reads; absent = billed as fresh input), `out`
 * (output, reasoning and thinking included), `write` (Anthropic 5-minute cache writes), and `long`:
 * the rates for the WHOLE request once its prompt is longer than `above` tokens.
 */
export const PRICE_TABLE_VERSION = '2026-11-01'

export interface Rates {
  in: string
  cached?: string
  out: string
  write?: string
}

export interface ModelRates extends Rates {
  long?: Rates & { above: number }
}

export type PricedProvider = 'openai' | 'anthropic' | 'google'

/**
 * OpenAI. Sources: https://developers.openai.com/api/docs/pricing (standard tier), as transcribed on
 * 2026-05-04 in api-evangelist/openai plans/openai-plans-pricing.yml (gpt-5.5, gpt-5.4 family) and
 * summarised on 2026-11-06 from the page read 2026-11-05 (api-evangelist posts); the model pages
 * (gpt-5-nano); the older models' rows as the same page listed them in 2025 (unchanged since, per
 * deploybase.ai 2026-03). Long context (gpt-5.4, gpt-5.5): a prompt over 272K input tokens bills the
 * whole request at 2x input and cached input and 1.5x output (OpenAI docs, quoted by tokencost.app
 * and benchr.org, 2026). UNSURE: gpt-5.6 rows come from third-party notices of OpenAI's 2026-07-30
 * price cut (docs.laozhang.ai, PromptFuel v1.0.19), and their long-context rates assume the same
 * 2x/1.5x rule; the pro models' long-context rates are not known, so they are priced flat. Not in
 * this version: gpt-6 and later (they add billed cache writes; their usage fields are not confirmed).
 */
const OPENAI: Record<string, ModelRates> = {
  'gpt-4o': { in: '2.50', cached: '1.25', out: '10.00' },
  'gpt-4o-2024-05-13': { in: '5.00', out: '15.00' },
  'gpt-4o-mini': { in: '0.15', cached: '0.075', out: '0.60' },
  'gpt-4.1': { in: '2.00', cached: '0.50', out: '8.00' },
  'gpt-4.1-mini': { in: '0.40', cached: '0.10', out: '1.60' },
  'gpt-4.1-nano': { in: '0.10', cached: '0.025', out: '0.40' },
  o1: { in: '15.00', cached: '7.50', out: '60.00' },
  'o1-mini': { in: '1.10', cached: '0.55', out: '4.40' },
  'o1-pro': { in: '150.00', out: '600.00' },
  o3: { in: '2.00', cached: '0.50', out: '8.00' },
  'o3-mini': { in: '1.10', cached: '0.55', out: '4.40' },
  'o3-pro': { in: '20.00', out: '80.00' },
  'o4-mini': { in: '1.10', cached: '0.275', out: '4.40' },
  'gpt-5': { in: '1.25', cached: '0.125', out: '10.00' },
  'gpt-5-codex': { in: '1.25', cached: '0.125', out: '10.00' },
  'gpt-5-mini': { in: '0.25', cached: '0.025', out: '2.00' },
  'gpt-5-nano': { in: '0.05', cached: '0.005', out: '0.40' },
  'gpt-5-pro': { in: '15.00', out: '120.00' },
  'gpt-5.1': { in: '1.25', cached: '0.125', out: '10.00' },
  'gpt-5.1-codex': { in: '1.25', cached: '0.125', out: '10.00' },
  'gpt-5.2': { in: '1.75', cached: '0.175', out: '14.00' },
  'gpt-5.2-pro': { in: '21.00', out: '168.00' },
  'gpt-5.4': {
    in: '2.50',
    cached: '0.25',
    out: '15.00',
    long: { above: 272_000, in: '5.00', cached: '0.50', out: '22.50' },
  },
  'gpt-5.4-mini': { in: '0.75', cached: '0.075', out: '4.50' },
  'gpt-5.4-nano': { in: '0.20', cached: '0.02', out: '1.25' },
  'gpt-5.4-pro': { in: '30.00', out: '180.00' },
  'gpt-5.5': {
    in: '5.00',
    cached: '0.50',
    out: '30.00',
    long: { above: 272_000, in: '10.00', cached: '1.00', out: '45.00' },
  },
  'gpt-5.5-pro': { in: '30.00', out: '180.00' },
  'gpt-5.6': {
    in: '5.00',
    cached: '0.50',
    out: '30.00',
    long: { above: 272_000, in: '10.00', cached: '1.00', out: '45.00' },
  },
  'gpt-5.6-sol': {
    in: '5.00',
    cached: '0.50',
    out: '30.00',
    long: { above: 272_000, in: '10.00', cached: '1.00', out: '45.00' },
  },
  'gpt-5.6-terra': {
    in: '2.00',
    cached: '0.20',
    out: '12.00',
    long: { above: 272_000, in: '4.00', cached: '0.40', out: '18.00' },
  },
  'gpt-5.6-luna': {
    in: '0.20',
    cached: '0.02',
    out: '1.20',
    long: { above: 272_000, in: '0.40', cached: '0.04', out: '1.80' },
  },
}

/**
 * Anthropic. Source: https://platform.claude.com/docs/en/about-claude/pricing ("Model pricing": base
 * input, 5m cache writes, cache hits, output) and the model overview pages, as stored in late 2026.
 * `write` is the 5-minute cache write (1.25x input); 1-hour writes cost 2x input and are
 * under-priced here, because the event has one cache-write count. Long context: Sonnet 4 and 4.5
 * bill a request whose input + cache reads + cache writes exceed 200K tokens at $6 / $22.50 (cache
 * $7.50 write, $0.60 read); Opus 4.6 and Sonnet 4.6 have no premium since the 1M window went GA on
 * 2026-03-13 (agentmastered.com, neuronad.com; one generated listing still shows a premium for
 * Sonnet 4.6). UNSURE: Sonnet 5.5's cache-read cut to $0.10 (2026-10-07), Haiku 5.5 and its 100K
 * tier, and Opus 5.5 ($4 / $20, cache reads 0.05x, writes assumed 1.25x) come from price trackers'
 * release notes (claudit v1.9.2, PromptFuel v1.0.23, synaps docs) checked against the page in 2026-10.
 */
const SONNET_4: ModelRates = {
  in: '3.00',
  write: '3.75',
  cached: '0.30',
  out: '15.00',
  long: { above: 200_000, in: '6.00', write: '7.50', cached: '0.60', out: '22.50' },
}

const ANTHROPIC: Record<string, ModelRates> = {
  'claude-3-haiku': { in: '0.25', write: '0.30', cached: '0.03', out: '1.25' },
  'claude-3-opus': { in: '15.00', write: '18.75', cached: '1.50', out: '75.00' },
  'claude-3-5-haiku': { in: '0.80', write: '1.00', cached: '0.08', out: '4.00' },
  'claude-3-5-sonnet': { in: '3.00', write: '3.75', cached: '0.30', out: '15.00' },
  'claude-3-7-sonnet': { in: '3.00', write: '3.75', cached: '0.30', out: '15.00' },
  'claude-sonnet-4': SONNET_4,
  'claude-sonnet-4-0': SONNET_4,
  'claude-sonnet-4-5': SONNET_4,
  'claude-sonnet-4-6': { in: '3.00', write: '3.75', cached: '0.30', out: '15.00' },
  'claude-opus-4': { in: '15.00', write: '18.75', cached: '1.50', out: '75.00' },
  'claude-opus-4-0': { in: '15.00', write: '18.75', cached: '1.50', out: '75.00' },
  'claude-opus-4-1': { in: '15.00', write: '18.75', cached: '1.50', out: '75.00' },
  'claude-opus-4-5': { in: '5.00', write: '6.25', cached: '0.50', out: '25.00' },
  'claude-opus-4-6': { in: '5.00', write: '6.25', cached: '0.50', out: '25.00' },
  'claude-opus-4-7': { in: '5.00', write: '6.25', cached: '0.50', out: '25.00' },
  'claude-opus-4-8': { in: '5.00', write: '6.25', cached: '0.50', out: '25.00' },
  'claude-opus-5': { in: '5.00', write: '6.25', cached: '0.50', out: '25.00' },
  'claude-opus-5-5': { in: '4.00', write: '5.00', cached: '0.20', out: '20.00' },
  'claude-haiku-4-5': { in: '1.00', write: '1.25', cached: '0.10', out: '5.00' },
  'claude-haiku-5-5': {
    in: '0.10',
    write: '0.125',
    cached: '0.01',
    out: '0.50',
    long: { above: 100_000, in: '0.50', write: '0.625', cached: '0.05', out: '2.50' },
  },
  'claude-sonnet-5': { in: '2.00', write: '2.50', cached: '0.20', out: '10.00' },
  'claude-sonnet-5-5': { in: '2.00', write: '2.50', cached: '0.10', out: '10.00' },
  'claude-fable-5': { in: '10.00', write: '12.50', cached: '1.00', out: '50.00' },
  'claude-mythos-5': { in: '10.00', write: '12.50', cached: '1.00', out: '50.00' },
  'claude-fable-5-1': { in: '10.00', write: '12.50', cached: '0.25', out: '50.00' },
  'claude-mythos-5-1': { in: '10.00', write: '12.50', cached: '0.25', out: '50.00' },
}

/**
 * Google Gemini (Developer API, paid tier, text / image / video input). Source:
 * https://ai.google.dev/gemini-api/docs/pricing, as transcribed on 2026-10-07 (api-evangelist/deepmind
 * plans/deepmind-plans-pricing.yml) and listed by morphllm.com and deploybase.ai in 2026. `cached` is
 * the context-caching read price; cache storage (per hour) is not a token price and is not counted.
 * Audio input costs more (2.5 Flash: $1.00) and is priced here as text. The long tier covers prompts
 * over 200K tokens. UNSURE: the 3.x cache-read prices assume Google's usual 10% of input, and
 * Gemini 3 Flash may have a 200K tier this table does not know. Gemini 3.8 Flash is at its launch
 * price, valid through 2026-12-31 ($1.50 / $7.50 from 2027-01-01: a new table version by then).
 * Dated preview snapshots (e.g. gemini-2.5-flash-preview-05-20) had their own prices: not listed.
 */
const GOOGLE: Record<string, ModelRates> = {
  'gemini-2.0-flash': { in: '0.10', cached: '0.025', out: '0.40' },
  'gemini-2.0-flash-lite': { in: '0.075', out: '0.30' },
  'gemini-2.5-flash': { in: '0.30', cached: '0.03', out: '2.50' },
  'gemini-2.5-flash-lite': { in: '0.10', cached: '0.01', out: '0.40' },
  'gemini-2.5-pro': {
    in: '1.25',
    cached: '0.125',
    out: '10.00',
    long: { above: 200_000, in: '2.50', cached: '0.25', out: '15.00' },
  },
  'gemini-3-pro': {
    in: '2.00',
    cached: '0.20',
    out: '12.00',
    long: { above: 200_000, in: '4.00', cached: '0.40', out: '18.00' },
  },
  'gemini-3.1-pro': {
    in: '2.00',
    cached: '0.20',
    out: '12.00',
    long: { above: 200_000, in: '4.00', cached: '0.40', out: '18.00' },
  },
  'gemini-3-flash': { in: '0.50', cached: '0.05', out: '3.00' },
  'gemini-3.5-flash': { in: '1.50', cached: '0.15', out: '9.00' },
  'gemini-3.5-flash-lite': { in: '0.30', cached: '0.03', out: '2.50' },
  'gemini-3.8-flash': { in: '0.75', cached: '0.075', out: '3.75' },
}

export const PRICE_TABLE: Readonly<Record<PricedProvider, Readonly<Record<string, ModelRates>>>> = {
  openai: OPENAI,
  anthropic: ANTHROPIC,
  google: GOOGLE,
}
