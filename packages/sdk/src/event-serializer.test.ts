import { describe, expect, it } from 'vitest'
import { centsToUsd, serializeEvent } from './event-serializer.js'

const defaults = { environment: 'production', tags: ['svc:billing'] }
const parse = (text: string | undefined) => JSON.parse(text as string)

describe('serializeEvent', () => {
  it("fills the client's environment and merges its tags without duplicates", () => {
    expect(
      parse(serializeEvent({ action: 'a', tags: ['refunds', 'svc:billing'] }, defaults)),
    ).toEqual({
      action: 'a',
      environment: 'production',
      tags: ['svc:billing', 'refunds'],
    })
    expect(
      parse(serializeEvent({ environment: 'staging' }, { environment: 'production', tags: [] })),
    ).toEqual({ environment: 'staging' })
  })

  it("maps AgentLedger's and Logwick's spellings onto native fields, keeping a native value that is also given", () => {
    const event = { durationMs: 1523, costCents: 4, traceId: 'tr_1', tokens: 312, latency_ms: 99 }
    expect(parse(serializeEvent(event, { environment: 'e', tags: [] }))).toEqual({
      duration_ms: 1523,
      cost_usd: '0.040000',
      trace_id: 'tr_1',
      tokens_total: 312,
      environment: 'e',
    })
    expect(
      parse(serializeEvent({ tokens: 5, tokens_total: 6 }, { environment: 'e', tags: [] }))
        .tokens_total,
    ).toBe(6)
  })

  it('turns cents into exact dollars, fractions of a cent included', () => {
    expect(centsToUsd(4)).toBe('0.040000')
    expect(centsToUsd(0.07)).toBe('0.000700')
    expect(centsToUsd(123456)).toBe('1234.560000')
  })

  it("replaces a payload field over the server's 256 KiB with AgentLedger's truncation marker and keeps the event", () => {
    const big = 'é'.repeat(140_000) // 280,000 bytes of UTF-8
    const out = parse(serializeEvent({ action: 'a', input: big, output: 'small' }, defaults))
    expect(out.output).toBe('small')
    expect(out.input).toEqual({
      _truncated: true,
      _originalSize: 140_002,
      _preview: JSON.stringify(big).slice(0, 500),
    })
  })

  it('keeps a payload just under the limit as it is', () => {
    const text = 'x'.repeat(262_000)
    expect(parse(serializeEvent({ input: text }, defaults)).input).toBe(text)
  })

  it('replaces a payload that has no JSON form and gives up only on an event that has none', () => {
    const circular: Record<string, unknown> = {}
    circular.self = circular
    expect(parse(serializeEvent({ output: circular }, defaults)).output).toEqual({
      _error: 'Could not serialize',
    })
    expect(serializeEvent({ tokens_input: 10n as unknown as number }, defaults)).toBeUndefined()
  })

  it('cuts a system prompt or thinking text over the limit instead of losing the event, and says so', () => {
    const prompt = 'ü'.repeat(150_000) // 300,000 bytes of UTF-8
    const out = parse(
      serializeEvent(
        { kind: 'llm_call', system_prompt: prompt, thinking: 'short', metadata: { k: 1 } },
        defaults,
      ),
    )
    expect(new TextEncoder().encode(out.system_prompt as string).length).toBeLessThanOrEqual(
      262_144,
    )
    expect((out.system_prompt as string).startsWith('üüü')).toBe(true)
    expect(out.thinking).toBe('short')
    expect(out.metadata).toEqual({ k: 1, truncated_fields: ['system_prompt'] })
  })
})
