import { describe, expect, it } from 'vitest'
import { usdToMicros } from './money.js'
import { normalizeEvent } from './normalize-event.js'
import { priceLlmCall } from './price-llm-call.js'
import { PRICE_TABLE, PRICE_TABLE_VERSION } from './price-table.js'
import type { PricedProvider } from './price-table.js'

const micros = (usage: Parameters<typeof priceLlmCall>[0]) => priceLlmCall(usage)?.micros

// Every number below is worked out by hand: tokens × dollars per million = micro-dollars.
describe('priceLlmCall', () => {
  it('prices OpenAI cached tokens inside the input count', () => {
    // gpt-4o: $2.50 in, $1.25 cached, $10 out. prompt_tokens 1,200 of which 1,024 cached.
    // (1,200 - 1,024) × 2.50 = 440; 1,024 × 1.25 = 1,280; 300 × 10 = 3,000 → 4,720 µ$
    expect(
      priceLlmCall({
        provider: 'openai',
        model: 'gpt-4o-2024-08-06',
        tokens_input: 1200,
        tokens_cache_read: 1024,
        tokens_output: 300,
      }),
    ).toEqual({ micros: 4720, source: 'price_table@2026-11-01' })
  })

  it('bills a whole OpenAI request at the long-context rates once its input passes 272K tokens', () => {
    // gpt-5.4 over 272K: $5 in, $0.50 cached, $22.50 out.
    // 200,000 × 5 = 1,000,000; 100,000 × 0.50 = 50,000; 10,000 × 22.50 = 225,000 → 1,275,000 µ$
    expect(
      micros({
        model: 'gpt-5.4',
        tokens_input: 300_000,
        tokens_cache_read: 100_000,
        tokens_output: 10_000,
      }),
    ).toBe(1_275_000)
    // At exactly 272,000 the standard rates apply: $2.50, $0.25, $15.
    // 172,000 × 2.50 = 430,000; 100,000 × 0.25 = 25,000; 10,000 × 15 = 150,000 → 605,000 µ$
    expect(
      micros({
        model: 'gpt-5.4',
        tokens_input: 272_000,
        tokens_cache_read: 100_000,
        tokens_output: 10_000,
      }),
    ).toBe(605_000)
  })

  it('ignores cache writes for OpenAI, which bills them as ordinary input', () => {
    // gpt-4.1: 1,000 × 2.00 = 2,000; 100 × 8.00 = 800 → 2,800 µ$, whatever tokens_cache_write says.
    expect(
      micros({ model: 'gpt-4.1', tokens_input: 1000, tokens_output: 100, tokens_cache_write: 500 }),
    ).toBe(2800)
  })

  it('prices Anthropic input, cache reads and cache writes each at their own price', () => {
    // claude-sonnet-4-5: $3 in, $0.30 read, $3.75 write (5 min), $15 out.
    // 50 × 3 = 150; 10,000 × 0.30 = 3,000; 2,000 × 3.75 = 7,500; 800 × 15 = 12,000 → 22,650 µ$
    const usage = {
      tokens_input: 50,
      tokens_cache_read: 10_000,
      tokens_cache_write: 2_000,
      tokens_output: 800,
    }
    expect(micros({ provider: 'anthropic', model: 'claude-sonnet-4-5-20250929', ...usage })).toBe(
      22_650,
    )
    expect(micros({ model: 'anthropic/claude-sonnet-4.5', ...usage })).toBe(22_650)
  })

  it('counts cache reads and writes toward Anthropic’s 200K long-context threshold', () => {
    // Input alone (150,000) is under 200K; with 40,000 read and 20,000 written the prompt is 210,000.
    // Sonnet 4.5 long rates: 150,000 × 6 = 900,000; 40,000 × 0.60 = 24,000; 20,000 × 7.50 = 150,000;
    // 1,000 × 22.50 = 22,500 → 1,096,500 µ$
    const usage = {
      tokens_input: 150_000,
      tokens_cache_read: 40_000,
      tokens_cache_write: 20_000,
      tokens_output: 1_000,
    }
    expect(micros({ model: 'claude-sonnet-4-5', ...usage })).toBe(1_096_500)
    // Opus 4.1 has no tier: 150,000 × 15 = 2,250,000; 40,000 × 1.50 = 60,000; 20,000 × 18.75 = 375,000;
    // 1,000 × 75 = 75,000 → 2,760,000 µ$
    expect(micros({ model: 'claude-opus-4-1-20250805', ...usage })).toBe(2_760_000)
  })

  it('prices Google cached tokens inside the prompt count', () => {
    // gemini-2.5-flash: $0.30 in, $0.03 cached, $2.50 out. promptTokenCount 10,000 of which 8,000 cached.
    // 2,000 × 0.30 = 600; 8,000 × 0.03 = 240; 500 × 2.50 = 1,250 → 2,090 µ$
    expect(
      micros({
        provider: 'google',
        model: 'models/gemini-2.5-flash',
        tokens_input: 10_000,
        tokens_cache_read: 8_000,
        tokens_output: 500,
      }),
    ).toBe(2090)
  })

  it('bills a Gemini 2.5 Pro prompt over 200K tokens at the long rates', () => {
    // 250,000 × 2.50 = 625,000; 1,000 × 15 = 15,000 → 640,000 µ$
    expect(micros({ model: 'gemini-2.5-pro', tokens_input: 250_000, tokens_output: 1_000 })).toBe(
      640_000,
    )
    // 200,000 × 1.25 = 250,000; 1,000 × 10 = 10,000 → 260,000 µ$
    expect(micros({ model: 'gemini-2.5-pro', tokens_input: 200_000, tokens_output: 1_000 })).toBe(
      260_000,
    )
  })

  it('rounds the exact sum once, half up, without float drift', () => {
    // gpt-4o-mini cached at $0.075: 20 × 0.075 = 1.5 µ$ → 2
    expect(micros({ model: 'gpt-4o-mini', tokens_input: 20, tokens_cache_read: 20 })).toBe(2)
    // gpt-4.1-nano: 3 × 0.10 = 0.3; 3 × 0.40 = 1.2; sum 1.5 µ$ → 2 (0.1 × 3 in floats is 0.30000000000000004)
    expect(micros({ model: 'gpt-4.1-nano', tokens_input: 3, tokens_output: 3 })).toBe(2)
    // gpt-5-nano: 7 × 0.05 = 0.35 µ$ → 0
    expect(micros({ model: 'gpt-5-nano', tokens_input: 7 })).toBe(0)
    // o1-pro, a trillion output tokens: 1e12 × 600 = 600,000,000 dollars = 6e14 µ$, exactly.
    expect(micros({ model: 'o1-pro', tokens_output: 1e12 })).toBe(600_000_000_000_000)
  })

  it('gives no price when it cannot be sure', () => {
    const tokens = { tokens_input: 100, tokens_output: 10 }
    expect(priceLlmCall({ model: 'my-finetune', ...tokens })).toBeUndefined()
    expect(priceLlmCall({ model: 'gpt-4o-realtime-preview', ...tokens })).toBeUndefined()
    expect(priceLlmCall({ model: 'gemini-2.5-flash-preview-05-20', ...tokens })).toBeUndefined()
    expect(priceLlmCall({ provider: 'azure', model: 'gpt-4o', ...tokens })).toBeUndefined()
    expect(priceLlmCall({ provider: 'anthropic', model: 'gpt-4o', ...tokens })).toBeUndefined()
    expect(
      priceLlmCall({ provider: 'openai', model: 'anthropic/claude-opus-4-5', ...tokens }),
    ).toBeUndefined()
    expect(priceLlmCall({ model: 'gpt-4o' })).toBeUndefined()
    expect(priceLlmCall({ tokens_input: 5 })).toBeUndefined()
    // OpenAI counts cached tokens inside input, so more cached than input is a contradiction.
    expect(
      priceLlmCall({ model: 'gpt-4o', tokens_input: 10, tokens_cache_read: 11 }),
    ).toBeUndefined()
  })

  it('keeps a snapshot’s own price and finds the family’s for the others', () => {
    // gpt-4o-2024-05-13 is $5 / $15: 1,000 × 5 + 100 × 15 = 6,500 µ$; gpt-4o is 1,000 × 2.50 + 100 × 10 = 3,500 µ$
    expect(micros({ model: 'gpt-4o-2024-05-13', tokens_input: 1000, tokens_output: 100 })).toBe(
      6500,
    )
    expect(micros({ model: 'gpt-4o-2024-11-20', tokens_input: 1000, tokens_output: 100 })).toBe(
      3500,
    )
    // claude-3-5-sonnet-latest and @-dated Vertex names: 1,000 × 3 + 100 × 15 = 4,500 µ$
    expect(
      micros({ model: 'claude-3-5-sonnet-latest', tokens_input: 1000, tokens_output: 100 }),
    ).toBe(4500)
    expect(
      micros({
        provider: 'Anthropic',
        model: 'claude-sonnet-4@20250514',
        tokens_input: 1000,
        tokens_output: 100,
      }),
    ).toBe(4500)
    // gemini-2.0-flash-001 and gemini-3-pro-preview: 1,000 × 0.10 + 100 × 0.40 = 140; 1,000 × 2 + 100 × 12 = 3,200
    expect(
      micros({
        provider: 'gemini',
        model: 'gemini-2.0-flash-001',
        tokens_input: 1000,
        tokens_output: 100,
      }),
    ).toBe(140)
    expect(micros({ model: 'gemini-3-pro-preview', tokens_input: 1000, tokens_output: 100 })).toBe(
      3200,
    )
  })

  it('reads every price in the table as an exact amount', () => {
    for (const [provider, models] of Object.entries(PRICE_TABLE) as Array<
      [PricedProvider, (typeof PRICE_TABLE)['openai']]
    >) {
      for (const [model, rates] of Object.entries(models)) {
        // A million output tokens cost exactly the listed output price.
        expect(micros({ provider, model, tokens_output: 1_000_000 }), model).toBe(
          usdToMicros(rates.out),
        )
        for (const price of [rates.in, rates.cached, rates.write].filter((p) => p !== undefined))
          expect(usdToMicros(price), model).toBeDefined()
      }
    }
  })
})

describe('normalizeEvent and the price table', () => {
  const now = Date.parse('2026-11-22T10:00:00Z')
  const event = (raw: Record<string, unknown>) => {
    const r = normalizeEvent(raw, { now })
    if (!r.ok) throw new Error(JSON.stringify(r.issues))
    return r.event
  }

  it('stamps a computed cost with the table version', () => {
    // claude-haiku-4-5: 2,000 × 1 + 500 × 0.10 + 300 × 5 = 3,550 µ$
    expect(
      event({
        kind: 'llm_call',
        model: 'claude-haiku-4-5',
        tokens_input: 2000,
        tokens_cache_read: 500,
        tokens_output: 300,
      }),
    ).toMatchObject({
      cost_micros: 3550,
      cost_source: `price_table@${PRICE_TABLE_VERSION}`,
      provider: null,
    })
  })

  it('keeps the client’s cost, even zero', () => {
    const tokens = { model: 'gpt-4o', tokens_input: 1000, tokens_output: 100 }
    expect(event({ ...tokens, cost_usd: '0.01' })).toMatchObject({
      cost_micros: 10_000,
      cost_source: 'client',
    })
    expect(event({ ...tokens, cost_usd: 0 })).toMatchObject({
      cost_micros: 0,
      cost_source: 'client',
    })
  })

  it('leaves an unknown model without cost or stamp', () => {
    expect(event({ model: 'my-finetune', tokens_input: 1000, tokens_output: 100 })).toMatchObject({
      cost_micros: null,
      cost_source: null,
    })
  })
})
