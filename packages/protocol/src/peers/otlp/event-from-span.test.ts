import { describe, expect, it } from 'vitest'
import { LIMITS } from '../../limits.js'
import { normalizeEvent } from '../../normalize-event.js'
import { eventFromSpan } from './event-from-span.js'
import { readTraceRequest } from './otlp-trace-request.js'

const TRACE = '5b8efff798038103d269b633813fc60c'
const SPAN = 'eee19b7ec3c1b174'
const START = 1_767_225_600_000

type Attrs = Record<string, unknown>
const value = (v: unknown): Attrs => {
  if (typeof v === 'string') return { stringValue: v }
  if (typeof v === 'boolean') return { boolValue: v }
  if (typeof v === 'number')
    return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v }
  if (Array.isArray(v)) return { arrayValue: { values: v.map(value) } }
  return { kvlistValue: { values: kv(v as Attrs) } }
}
const kv = (a: Attrs) => Object.entries(a).map(([key, v]) => ({ key, value: value(v) }))

/** One span through the reader and the mapper, as the receiver does; the event must be valid. */
function map(
  attributes: Attrs,
  extra: Attrs = {},
  resource: Attrs = { 'service.name': 'svc' },
): Record<string, any> {
  const request = {
    resourceSpans: [
      {
        resource: { attributes: kv(resource) },
        scopeSpans: [
          {
            scope: { name: 'scope' },
            spans: [
              {
                traceId: TRACE,
                spanId: SPAN,
                name: 'span',
                kind: 1,
                startTimeUnixNano: `${START}000000`,
                endTimeUnixNano: `${START + 5}500000`,
                attributes: kv(attributes),
                ...extra,
              },
            ],
          },
        ],
      },
    ],
  }
  const { spans, rejected } = readTraceRequest(request)
  expect(rejected).toEqual([])
  const event = eventFromSpan(spans[0]!)
  const normalized = normalizeEvent(event, { now: START + 60_000 })
  expect(normalized.ok ? [] : normalized.issues).toEqual([])
  return event
}

describe('mapping a span onto an event', () => {
  it('gives a span the same id every time, from its trace and span ids and its start', () => {
    const a = map({})
    expect(a.id).toBe(map({ other: 1 }).id)
    expect(a.id).toMatch(/^019b76da-a800-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(a).toMatchObject({ ts: START, duration_ms: 5.5, trace_id: TRACE, span_id: SPAN })
  })

  it("rebuilds OpenInference's flattened messages, with content parts and tool answers", () => {
    const e = map({
      'openinference.span.kind': 'LLM',
      'llm.model_name': 'gpt-4o',
      'llm.input_messages.0.message.role': 'user',
      'llm.input_messages.0.message.contents.0.message_content.type': 'text',
      'llm.input_messages.0.message.contents.0.message_content.text': 'What is this?',
      'llm.input_messages.0.message.contents.1.message_content.type': 'image',
      'llm.input_messages.0.message.contents.1.message_content.image.image.url': 'https://x/y.png',
      'llm.input_messages.1.message.role': 'tool',
      'llm.input_messages.1.message.tool_call_id': 'call_2',
      'llm.input_messages.1.message.content': 'a cat',
      'llm.output_messages.0.message.role': 'assistant',
      'llm.output_messages.0.message.content': 'A cat.',
      'input.value': '{"raw":"request"}',
      'input.mime_type': 'application/json',
    })
    expect(e.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image', image: { image: { url: 'https://x/y.png' } } },
        ],
      },
      { role: 'tool', content: 'a cat', tool_call_id: 'call_2' },
    ])
    expect(e.input).toBe('a cat')
    expect(e.output).toEqual({ role: 'assistant', content: 'A cat.' })
    expect(e.metadata.attributes).toBeUndefined()
  })

  it("reads OpenInference's tool and agent spans and Traceloop's workflow and tool spans", () => {
    expect(
      map({
        'openinference.span.kind': 'TOOL',
        'tool.name': 'search',
        'tool_call.id': 'call_5',
        'input.value': '{"q":"otlp"}',
        'output.value': 'three results',
      }),
    ).toMatchObject({
      kind: 'tool_call',
      service: 'search',
      action: 'invoke',
      input: { q: 'otlp' },
      output: 'three results',
      metadata: { toolName: 'search', tool_call_id: 'call_5' },
    })
    expect(
      map({ 'openinference.span.kind': 'AGENT', 'agent.name': 'planner', 'input.value': 'go' }),
    ).toMatchObject({ kind: 'turn', agent: 'planner', action: 'agent', input: 'go' })
    expect(
      map({
        'traceloop.span.kind': 'workflow',
        'traceloop.entity.name': 'plan_trip',
        'traceloop.entity.input': '{"args":["Paris"]}',
        'traceloop.entity.output': '"done"',
      }),
    ).toMatchObject({
      kind: 'turn',
      action: 'workflow',
      input: { args: ['Paris'] },
      output: '"done"',
    })
    expect(map({ 'traceloop.span.kind': 'tool' }, { name: 'lookup.tool' })).toMatchObject({
      kind: 'tool_call',
      service: 'lookup.tool',
    })
  })

  it('reads the old single gen_ai.prompt attribute and the message events of earlier conventions', () => {
    expect(
      map({ 'gen_ai.operation.name': 'text_completion', 'gen_ai.prompt': 'Say hi' }),
    ).toMatchObject({ input: 'Say hi', messages: [{ role: 'user', content: 'Say hi' }] })
    const sk = map(
      { 'gen_ai.operation.name': 'chat' },
      {
        events: [
          {
            name: 'gen_ai.content.prompt',
            attributes: kv({ 'gen_ai.prompt': '[{"role":"user","content":"Hello"}]' }),
          },
          { name: 'gen_ai.content.completion', attributes: kv({ 'gen_ai.completion': 'Hi!' }) },
        ],
      },
    )
    expect(sk).toMatchObject({
      messages: [{ role: 'user', content: 'Hello' }],
      output: { role: 'assistant', content: 'Hi!' },
    })
    const events = map(
      { 'gen_ai.operation.name': 'chat' },
      {
        events: [
          {
            name: 'gen_ai.system.message',
            attributes: kv({ 'gen_ai.event.content': '{"content":"Be kind."}' }),
          },
          {
            name: 'gen_ai.user.message',
            attributes: kv({ 'gen_ai.event.content': '{"content":"Hi"}' }),
          },
          {
            name: 'gen_ai.choice',
            attributes: kv({
              'gen_ai.event.content':
                '{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"Hello!"}}',
            }),
          },
        ],
      },
    )
    expect(events).toMatchObject({
      system_prompt: 'Be kind.',
      messages: [{ role: 'user', content: 'Hi' }],
      output: { role: 'assistant', content: 'Hello!', finish_reason: 'stop' },
      stop_reason: 'stop',
    })
    expect(events.metadata.otel.events).toBeUndefined()
  })

  it("spells the providers as the price table does, keeping the span's spelling", () => {
    expect(
      map({ 'gen_ai.provider.name': 'gcp.gemini', 'gen_ai.request.model': 'x' }),
    ).toMatchObject({ provider: 'google', metadata: { otel: { provider: 'gcp.gemini' } } })
    expect(
      map({
        'ai.operationId': 'ai.generateText.doGenerate',
        'ai.model.provider': 'anthropic.messages',
      }),
    ).toMatchObject({
      provider: 'anthropic',
      metadata: { otel: { provider: 'anthropic.messages' } },
    })
    const bedrock = map({ 'gen_ai.system': 'aws.bedrock', 'gen_ai.request.model': 'x' })
    expect(bedrock.provider).toBe('aws.bedrock')
    expect(bedrock.metadata.otel.provider).toBeUndefined()
  })

  it('maps an HTTP client span onto an http_call', () => {
    expect(
      map(
        {
          'http.request.method': 'get',
          'url.full': 'https://api.example.com/v1/items?page=2',
          'http.response.status_code': 503,
        },
        { kind: 3 },
      ),
    ).toMatchObject({
      kind: 'http_call',
      service: 'api.example.com',
      action: 'GET',
      input: { method: 'get', url: 'https://api.example.com/v1/items?page=2' },
      output: { status: 503 },
    })
  })

  it('cuts what is over the limits and says so, rather than refusing the span', () => {
    const long = 'x'.repeat(LIMITS.payloadBytes)
    const e = map({
      'gen_ai.operation.name': 'chat',
      'gen_ai.input.messages': JSON.stringify([
        { role: 'user', parts: [{ type: 'text', content: long }] },
        { role: 'assistant', parts: [{ type: 'text', content: 'short answer' }] },
        { role: 'user', parts: [{ type: 'text', content: 'last question' }] },
      ]),
      'gen_ai.output.messages': JSON.stringify([
        { role: 'assistant', parts: [{ type: 'text', content: long }] },
      ]),
      big: 'y'.repeat(10_000),
    })
    // The newest messages that fit are kept.
    expect(e.messages).toEqual([
      { role: 'assistant', content: 'short answer' },
      { role: 'user', content: 'last question' },
    ])
    expect(e.output).toEqual({ truncated_bytes: expect.any(Number), preview: expect.any(String) })
    expect(e.metadata.attributes.big).toHaveLength(4_096)
    expect(e.metadata.otel.truncated).toEqual(['messages', 'output', 'attributes.big'])
    // Attributes over the metadata limit: the largest give way (and the event is valid, see `map`).
    const many = map(
      Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`pad.${i}`, 'z'.repeat(2_000 + i)])),
    )
    expect(many.metadata.otel.dropped_attributes.slice(0, 2)).toEqual(['pad.39', 'pad.38'])
    expect(Object.keys(many.metadata.attributes).length).toBeGreaterThan(20)
  })

  it('keeps hostile keys and values as data', () => {
    const e = map({
      ['__proto__']: 'x',
      'gen_ai.prompt.__proto__.polluted': 'yes',
      'nul\u0000key': 'a\u0000b',
      deep: `${'['.repeat(100)}${']'.repeat(100)}`,
      huge: '123456789012345678901',
    })
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.getPrototypeOf(e.metadata.attributes)).toBe(Object.prototype)
    expect(Object.keys(e.metadata.attributes)).toEqual([
      '__proto__',
      'nul\uFFFDkey',
      'deep',
      'huge',
    ])
    expect(e.metadata.attributes['nul\uFFFDkey']).toBe('a\uFFFDb')
    expect(e.metadata.attributes.huge).toBe('123456789012345678901')
  })

  it('takes ids sent as base64, and rejects a span whose id is neither hex nor of the right length', () => {
    const b64 = Buffer.from(TRACE, 'hex').toString('base64')
    const { spans, rejected } = readTraceRequest({
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                { traceId: b64, spanId: Buffer.from(SPAN, 'hex').toString('base64') },
                { traceId: TRACE, spanId: '0000000000000000' },
                { traceId: TRACE },
              ],
            },
          ],
        },
      ],
    })
    expect(spans.map((s) => [s.traceId, s.spanId])).toEqual([[TRACE, SPAN]])
    expect(rejected).toEqual([
      { path: 'resourceSpans.0.scopeSpans.0.spans.1', reason: 'spanId must not be all zeros' },
      {
        path: 'resourceSpans.0.scopeSpans.0.spans.2',
        reason: 'spanId must be 16 hex digits (8 bytes); it is missing',
      },
    ])
  })
})
