import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { priceLlmCall } from '@agenttrail/protocol'
import { DIALECTS, createTestApp } from '../helpers/test-app.js'
import type { TestApp } from '../helpers/test-app.js'
import { span, spanId, traceId, traceRequest } from '../helpers/otlp.js'

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

/** Spans built by hand, in each convention's spellings, read back through the API field by field. */
describe.each(DIALECTS)('OTLP spans mapped onto events (%s)', (dialect) => {
  let t: TestApp
  let orgs = 0
  beforeAll(async () => {
    t = await createTestApp({}, dialect)
  })
  afterAll(() => t.close())

  /** A fresh org's key, so each test reads only its own events. */
  const newKey = () => t.key(`otlp-${++orgs}`, ['admin'])
  const send = async (key: string, body: unknown) => {
    const res = await t.json('POST', '/v1/traces', { key, body })
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    return res.body
  }
  const events = async (key: string) =>
    (await t.json('GET', '/api/v1/events?limit=100', { key })).body.events as Array<
      Record<string, any>
    >
  const bySpan = async (key: string, id: string) =>
    (await events(key)).find((e) => e.span_id === id)

  it('maps a chat span in the deprecated GenAI spellings and the flattened messages, field by field', async () => {
    const key = await newKey()
    const trace = traceId()
    const [parent, id] = [spanId(), spanId()]
    const start = Date.now() - 5_000
    const system = 'You are a travel agent. Answer in one line.'
    const body = await send(
      key,
      traceRequest(
        [
          span({
            traceId: trace,
            spanId: id,
            parentSpanId: parent,
            name: 'chat gpt-4o-mini',
            kind: 3,
            startMs: start,
            durationMs: 1_234,
            attributes: {
              'gen_ai.system': 'openai',
              'gen_ai.request.model': 'gpt-4o-mini',
              'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
              'gen_ai.usage.prompt_tokens': 120,
              'gen_ai.usage.completion_tokens': 30,
              'gen_ai.usage.cache_read_input_tokens': 100,
              'gen_ai.request.temperature': 0.2,
              'gen_ai.conversation.id': 'conv-legacy',
              'gen_ai.prompt.0.role': 'system',
              'gen_ai.prompt.0.content': system,
              'gen_ai.prompt.1.role': 'user',
              'gen_ai.prompt.1.content': 'Weather in Paris?',
              'gen_ai.completion.0.role': 'assistant',
              'gen_ai.completion.0.finish_reason': 'tool_calls',
              'gen_ai.completion.0.tool_calls.0.id': 'call_9',
              'gen_ai.completion.0.tool_calls.0.name': 'get_weather',
              'gen_ai.completion.0.tool_calls.0.arguments': '{"city":"Paris"}',
              'app.request_id': 'r-42',
            },
          }),
        ],
        {
          'service.name': 'trip-planner',
          'service.version': '2.1.0',
          'deployment.environment.name': 'staging',
          'process.pid': 4242,
          'telemetry.sdk.language': 'nodejs',
        },
      ),
    )
    expect(body).toEqual({})
    const e = await bySpan(key, id)
    const tokens = {
      provider: 'openai',
      model: 'gpt-4o-mini-2024-07-18',
      tokens_input: 120,
      tokens_output: 30,
      tokens_cache_read: 100,
    }
    expect(e).toMatchObject({
      kind: 'llm_call',
      agent: 'trip-planner',
      environment: 'staging',
      service: 'openai',
      action: 'chat',
      status: 'success',
      title: 'chat gpt-4o-mini',
      trace_id: trace,
      span_id: id,
      parent_span_id: parent,
      conversation_id: 'conv-legacy',
      ...tokens,
      tokens_cache_write: null,
      tokens_total: 150,
      cost_usd: (priceLlmCall(tokens)?.micros ?? NaN) / 1e6,
      cost_source: 'price_table@2026-11-01',
      stop_reason: 'tool_calls',
      ts: new Date(start).toISOString(),
      duration_ms: 1_234,
      system_prompt_sha256: sha256(system),
      input: 'Weather in Paris?',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tool_calls: [{ id: 'call_9', name: 'get_weather', arguments: { city: 'Paris' } }],
      output: {
        role: 'assistant',
        finish_reason: 'tool_calls',
        tool_calls: [{ id: 'call_9', name: 'get_weather', arguments: { city: 'Paris' } }],
      },
      error: null,
    })
    expect(e?.metadata).toEqual({
      attributes: { 'gen_ai.request.temperature': 0.2, 'app.request_id': 'r-42' },
      resource: { 'service.name': 'trip-planner', 'service.version': '2.1.0' },
      otel: {
        scope: 'test-scope@1.0.0',
        span_kind: 'client',
        convention: 'gen_ai',
        request_model: 'gpt-4o-mini',
      },
    })
    // The prompt is stored once for the org, under its hash, and the call detail shows it.
    const detail = await t.json('GET', `/api/v1/conversations/conv-legacy/calls/${e?.id}`, { key })
    expect(detail.body.system_prompt).toEqual({ sha256: sha256(system), text: system })
  })

  it('maps an agent span, its model call and its tool call, and the conversation joins the tool result to the call', async () => {
    const key = await newKey()
    const trace = traceId()
    const [agentSpan, chatSpan, toolSpan] = [spanId(), spanId(), spanId()]
    const start = Date.now() - 10_000
    const conversation = { 'gen_ai.conversation.id': 'conv-agent' }
    await send(
      key,
      traceRequest([
        span({
          traceId: trace,
          spanId: agentSpan,
          name: 'invoke_agent travel-bot',
          startMs: start,
          durationMs: 3_000,
          attributes: {
            'gen_ai.operation.name': 'invoke_agent',
            'gen_ai.agent.name': 'travel-bot',
            'gen_ai.agent.id': 'agent-7',
            'gen_ai.provider.name': 'openai',
            ...conversation,
            'gen_ai.input.messages': JSON.stringify([
              { role: 'user', parts: [{ type: 'text', content: 'Plan Paris' }] },
            ]),
            'gen_ai.output.messages': JSON.stringify([
              { role: 'assistant', parts: [{ type: 'text', content: 'Rain; take a coat.' }] },
            ]),
            'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: 'Be brief.' }]),
            'gen_ai.usage.input_tokens': 500,
            'gen_ai.usage.output_tokens': 40,
          },
        }),
        span({
          traceId: trace,
          spanId: chatSpan,
          parentSpanId: agentSpan,
          name: 'chat gpt-4o',
          startMs: start + 100,
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.provider.name': 'openai',
            'gen_ai.request.model': 'gpt-4o',
            ...conversation,
            'gen_ai.usage.input_tokens': 500,
            'gen_ai.usage.output_tokens': 40,
            'gen_ai.output.messages': JSON.stringify([
              {
                role: 'assistant',
                finish_reason: 'tool_call',
                parts: [
                  {
                    type: 'tool_call',
                    id: 'call_1',
                    name: 'get_weather',
                    arguments: { location: 'Paris' },
                  },
                ],
              },
            ]),
          },
        }),
        span({
          traceId: trace,
          spanId: toolSpan,
          parentSpanId: agentSpan,
          name: 'execute_tool get_weather',
          startMs: start + 1_000,
          durationMs: 80,
          attributes: {
            'gen_ai.operation.name': 'execute_tool',
            'gen_ai.tool.name': 'get_weather',
            'gen_ai.tool.call.id': 'call_1',
            'gen_ai.tool.type': 'function',
            ...conversation,
            'gen_ai.tool.call.arguments': '{"location":"Paris"}',
            'gen_ai.tool.call.result': '{"sky":"rain","celsius":12}',
          },
        }),
      ]),
    )
    const agent = await bySpan(key, agentSpan)
    expect(agent).toMatchObject({
      kind: 'turn',
      agent: 'travel-bot',
      action: 'invoke_agent',
      provider: 'openai',
      conversation_id: 'conv-agent',
      input: 'Plan Paris',
      messages: [{ role: 'user', content: 'Plan Paris' }],
      output: { role: 'assistant', content: 'Rain; take a coat.' },
      system_prompt_sha256: sha256('Be brief.'),
      // An agent step's usage is its model calls': counted there, not here.
      tokens_input: null,
      tokens_output: null,
      cost_usd: null,
    })
    expect(agent?.metadata.attributes).toEqual({ 'gen_ai.agent.id': 'agent-7' })
    expect(agent?.metadata.otel.usage).toEqual({ input: 500, output: 40 })

    const chat = await bySpan(key, chatSpan)
    expect(chat).toMatchObject({
      kind: 'llm_call',
      agent: 'bot',
      parent_span_id: agentSpan,
      tokens_input: 500,
      tokens_output: 40,
      cost_source: 'price_table@2026-11-01',
      stop_reason: 'tool_call',
      tool_calls: [{ id: 'call_1', name: 'get_weather', arguments: { location: 'Paris' } }],
    })
    const tool = await bySpan(key, toolSpan)
    expect(tool).toMatchObject({
      kind: 'tool_call',
      service: 'get_weather',
      action: 'invoke',
      parent_span_id: agentSpan,
      input: { location: 'Paris' },
      output: { sky: 'rain', celsius: 12 },
      duration_ms: 80,
    })
    expect(tool?.metadata).toMatchObject({
      toolName: 'get_weather',
      tool_call_id: 'call_1',
      attributes: { 'gen_ai.tool.type': 'function' },
    })

    const timeline = await t.json('GET', '/api/v1/conversations/conv-agent/timeline', { key })
    const call = (timeline.body.events as Array<Record<string, any>>).find((i) => i.id === chat?.id)
    expect(call?.tools_called).toEqual([
      {
        id: 'call_1',
        name: 'get_weather',
        input: { location: 'Paris' },
        result: { sky: 'rain', celsius: 12 },
        status: 'success',
        error: null,
        duration_ms: 80,
        result_event_id: tool?.id,
      },
    ])
  })

  it("counts an Anthropic call's cache reads and writes beside its input, as the price table does", async () => {
    const key = await newKey()
    const id = spanId()
    await send(
      key,
      traceRequest([
        span({
          spanId: id,
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.provider.name': 'anthropic',
            'gen_ai.request.model': 'claude-3-5-sonnet',
            // The GenAI conventions count cached tokens inside input.
            'gen_ai.usage.input_tokens': 1_000,
            'gen_ai.usage.cache_read.input_tokens': 600,
            'gen_ai.usage.cache_creation.input_tokens': 100,
            'gen_ai.usage.output_tokens': 50,
          },
        }),
      ]),
    )
    const usage = {
      provider: 'anthropic',
      model: 'claude-3-5-sonnet',
      tokens_input: 300,
      tokens_output: 50,
      tokens_cache_read: 600,
      tokens_cache_write: 100,
    }
    expect(await bySpan(key, id)).toMatchObject({
      ...usage,
      tokens_total: 1_050,
      cost_usd: (priceLlmCall(usage)?.micros ?? NaN) / 1e6,
    })
  })

  it('takes a cost the span states over the price table', async () => {
    const key = await newKey()
    const id = spanId()
    await send(
      key,
      traceRequest([
        span({
          spanId: id,
          attributes: {
            'openinference.span.kind': 'LLM',
            'llm.model_name': 'gpt-4o',
            'llm.token_count.prompt': 10,
            'llm.token_count.completion': 5,
            'llm.cost.total': 0.0123,
          },
        }),
      ]),
    )
    expect(await bySpan(key, id)).toMatchObject({ cost_usd: 0.0123, cost_source: 'client' })
  })

  it('stores a failed span as an error with its exception', async () => {
    const key = await newKey()
    const id = spanId()
    await send(
      key,
      traceRequest([
        span({
          spanId: id,
          name: 'chat gpt-4o',
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.request.model': 'gpt-4o',
            'error.type': 'RateLimitError',
          },
          events: [
            {
              name: 'exception',
              attributes: {
                'exception.type': 'RateLimitError',
                'exception.message': '429 Too Many Requests',
                'exception.stacktrace': 'RateLimitError: 429\n    at call (client.js:1:1)',
              },
            },
          ],
          status: { code: 2, message: '429 Too Many Requests' },
        }),
      ]),
    )
    const e = await bySpan(key, id)
    expect(e).toMatchObject({
      kind: 'llm_call',
      status: 'error',
      error: {
        message: '429 Too Many Requests',
        type: 'RateLimitError',
        stacktrace: 'RateLimitError: 429\n    at call (client.js:1:1)',
      },
    })
    expect(e?.metadata.otel.events).toBeUndefined()
  })

  it('stores a span no convention describes as an action, with its attributes and other events', async () => {
    const key = await newKey()
    const id = spanId()
    await send(
      key,
      traceRequest(
        [
          span({
            spanId: id,
            name: 'SELECT orders',
            kind: 3,
            attributes: { 'db.system': 'postgresql', 'db.rows': 3 },
            events: [{ name: 'cache.miss', attributes: { key: 'orders:7' } }],
          }),
        ],
        { 'service.name': 'unknown_service:node', 'team.name': 'payments' },
        { name: '@opentelemetry/instrumentation-pg', version: '0.50.0' },
      ),
    )
    const e = await bySpan(key, id)
    expect(e).toMatchObject({
      kind: 'action',
      agent: null,
      service: '@opentelemetry/instrumentation-pg',
      action: 'SELECT orders',
      status: 'success',
    })
    expect(e?.metadata).toMatchObject({
      attributes: { 'db.system': 'postgresql', 'db.rows': 3 },
      resource: { 'service.name': 'unknown_service:node', 'team.name': 'payments' },
      otel: {
        scope: '@opentelemetry/instrumentation-pg@0.50.0',
        span_kind: 'client',
        events: [{ name: 'cache.miss', ts: expect.any(String), attributes: { key: 'orders:7' } }],
      },
    })
  })

  it('redacts the secrets OTel attributes carry under their dotted names (HTTP headers, connection strings)', async () => {
    const key = await newKey()
    const id = spanId()
    await send(
      key,
      traceRequest([
        span({
          spanId: id,
          kind: 3,
          attributes: {
            'http.request.method': 'GET',
            'url.full': 'https://api.example.com/orders',
            'http.request.header.authorization': ['Token 9944b09199c62bcf9418ad846dd0e4bb'],
            'http.request.header.cookie': ['sid=opensesame42'],
            'http.response.header.set-cookie': ['sid=opensesame43; HttpOnly'],
            'db.connection_string': 'Server=db.internal;Database=orders;Trusted_Connection=yes',
            'http.request.header.accept': ['application/json'],
          },
        }),
      ]),
    )
    const e = await bySpan(key, id)
    const stored = JSON.stringify(e)
    for (const secret of ['9944b09199c62bcf9418ad846dd0e4bb', 'opensesame', 'db.internal'])
      expect(stored).not.toContain(secret)
    expect(e?.metadata.attributes).toMatchObject({
      'http.request.header.authorization': '[REDACTED]',
      'http.request.header.cookie': '[REDACTED]',
      'http.response.header.set-cookie': '[REDACTED]',
      'db.connection_string': '[REDACTED]',
      'http.request.header.accept': ['application/json'],
    })
  })

  it('stores a span that an exporter sends again once', async () => {
    const key = await newKey()
    const body = traceRequest([span({ attributes: { 'gen_ai.operation.name': 'chat' } })])
    expect(await send(key, body)).toEqual({})
    expect(await send(key, body)).toEqual({})
    expect(await events(key)).toHaveLength(1)
  })
})
