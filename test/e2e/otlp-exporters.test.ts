import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  DiagLogLevel,
  SpanKind,
  SpanStatusCode,
  context,
  diag,
  propagation,
  trace,
} from '@opentelemetry/api'
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node'
import { startLiveServer } from '../helpers/live-server.js'
import type { LiveServer } from '../helpers/live-server.js'
import { loggerProvider, storedEvents, tracerProvider } from '../helpers/otlp-client.js'
import { DIALECTS } from '../helpers/test-app.js'

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

// The SDK's context manager, so a span started inside another's callback is its child.
beforeAll(() => new NodeTracerProvider().register())
afterAll(() => {
  trace.disable()
  context.disable()
  propagation.disable()
})

/**
 * The published OTLP/HTTP exporters (`@opentelemetry/exporter-trace-otlp-http` and `-proto`, the
 * logs exporter) through the SDK's providers, against the real server on loopback.
 */
describe.each(DIALECTS)('OpenTelemetry exporters against the server (%s)', (dialect) => {
  let live: LiveServer
  let orgs = 0
  beforeAll(async () => {
    live = await startLiveServer(dialect)
  })
  afterAll(() => live.close())
  const newKey = () => live.key(`exporters-${++orgs}`, ['admin'])

  const matrix = [
    ['json', false],
    ['json', true],
    ['protobuf', false],
    ['protobuf', true],
  ] as const

  it.each(matrix)(
    'stores a span tree sent by the %s exporter (gzip: %s), field by field',
    async (protocol, gzip) => {
      const key = await newKey()
      const provider = tracerProvider({
        url: live.url,
        key,
        protocol,
        gzip,
        resource: { 'service.name': 'travel-app', 'deployment.environment.name': 'staging' },
      })
      const tracer = provider.getTracer('travel-instrumentation', '1.2.3')
      const ids: Record<string, { traceId: string; spanId: string }> = {}
      const started = Date.now()
      await tracer.startActiveSpan(
        'invoke_agent travel-bot',
        {
          attributes: {
            'gen_ai.operation.name': 'invoke_agent',
            'gen_ai.agent.name': 'travel-bot',
            'gen_ai.conversation.id': 'conv-export',
          },
        },
        async (agent) => {
          ids.agent = agent.spanContext()
          tracer.startActiveSpan(
            'chat gpt-4o-mini',
            {
              kind: SpanKind.CLIENT,
              attributes: {
                'gen_ai.operation.name': 'chat',
                'gen_ai.provider.name': 'openai',
                'gen_ai.request.model': 'gpt-4o-mini',
                'gen_ai.conversation.id': 'conv-export',
                'gen_ai.request.temperature': 0.25,
                'gen_ai.request.stream': false,
                'gen_ai.input.messages': JSON.stringify([
                  { role: 'system', parts: [{ type: 'text', content: 'Be brief.' }] },
                  { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] },
                ]),
              },
            },
            (chat) => {
              ids.chat = chat.spanContext()
              chat.setAttributes({
                'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
                'gen_ai.response.finish_reasons': ['stop'],
                'gen_ai.usage.input_tokens': 21,
                'gen_ai.usage.output_tokens': 5,
                'gen_ai.output.messages': JSON.stringify([
                  { role: 'assistant', parts: [{ type: 'text', content: 'Rainy.' }] },
                ]),
              })
              chat.end()
            },
          )
          tracer.startActiveSpan(
            'execute_tool get_weather',
            {
              attributes: {
                'gen_ai.operation.name': 'execute_tool',
                'gen_ai.tool.name': 'get_weather',
                'gen_ai.tool.call.id': 'call_7',
                'gen_ai.conversation.id': 'conv-export',
              },
            },
            (tool) => {
              ids.tool = tool.spanContext()
              tool.recordException(new TypeError('weather service timed out'))
              tool.setStatus({ code: SpanStatusCode.ERROR, message: 'weather service timed out' })
              tool.end()
            },
          )
          agent.end()
        },
      )
      await provider.forceFlush()
      await provider.shutdown()

      const events = await storedEvents(live.url, key)
      expect(events).toHaveLength(3)
      const find = (span: string) => events.find((e) => e.span_id === ids[span]?.spanId)
      const traceId = ids.agent?.traceId
      const scope = 'travel-instrumentation@1.2.3'
      const agent = find('agent')
      expect(agent).toMatchObject({
        kind: 'turn',
        agent: 'travel-bot',
        environment: 'staging',
        action: 'invoke_agent',
        trace_id: traceId,
        parent_span_id: null,
        conversation_id: 'conv-export',
        status: 'success',
      })
      expect(Date.parse(agent?.ts)).toBeGreaterThanOrEqual(started - 1)
      expect(agent?.duration_ms).toBeGreaterThanOrEqual(0)
      expect(agent?.metadata.otel).toEqual({ scope, span_kind: 'internal', convention: 'gen_ai' })

      const chat = find('chat')
      expect(chat).toMatchObject({
        kind: 'llm_call',
        agent: 'travel-app',
        environment: 'staging',
        service: 'openai',
        action: 'chat',
        title: 'chat gpt-4o-mini',
        trace_id: traceId,
        parent_span_id: ids.agent?.spanId,
        provider: 'openai',
        model: 'gpt-4o-mini-2024-07-18',
        tokens_input: 21,
        tokens_output: 5,
        tokens_total: 26,
        cost_source: 'price_table@2026-11-01',
        stop_reason: 'stop',
        input: 'Weather in Paris?',
        messages: [{ role: 'user', content: 'Weather in Paris?' }],
        output: { role: 'assistant', content: 'Rainy.' },
        system_prompt_sha256: sha256('Be brief.'),
      })
      expect(chat?.metadata).toEqual({
        attributes: { 'gen_ai.request.temperature': 0.25, 'gen_ai.request.stream': false },
        resource: { 'service.name': 'travel-app' },
        otel: { scope, span_kind: 'client', convention: 'gen_ai', request_model: 'gpt-4o-mini' },
      })

      expect(find('tool')).toMatchObject({
        kind: 'tool_call',
        service: 'get_weather',
        action: 'invoke',
        parent_span_id: ids.agent?.spanId,
        status: 'error',
        error: {
          message: 'weather service timed out',
          type: 'TypeError',
          stacktrace: expect.stringContaining('TypeError: weather service timed out'),
        },
        metadata: expect.objectContaining({ toolName: 'get_weather', tool_call_id: 'call_7' }),
      })
    },
  )

  it.each(['json', 'protobuf'] as const)(
    "hands the %s exporter the server's partial-success warning for a killed agent's span",
    async (protocol) => {
      const key = await newKey()
      const kill = await fetch(`${live.url}/api/v1/agents/doomed/kill`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}` },
      })
      expect(kill.status).toBe(200)
      const warnings: string[] = []
      const record = (...args: unknown[]) => warnings.push(args.map(String).join(' '))
      const logger = { error: record, warn: record, info() {}, debug() {}, verbose() {} }
      diag.setLogger(logger, DiagLogLevel.WARN)
      try {
        const provider = tracerProvider({
          url: live.url,
          key,
          protocol,
          resource: { 'service.name': 'doomed' },
        })
        provider.getTracer('t').startSpan('step').end()
        await provider.forceFlush()
        await provider.shutdown()
      } finally {
        diag.disable()
      }
      expect(warnings.join('\n')).toContain('Received Partial Success response')
      expect(warnings.join('\n')).toContain(
        '1 span was stored as breaking a control rule (agent_killed: 1); each event carries its control note',
      )
      const [event] = await storedEvents(live.url, key, '&agent=doomed')
      expect(event?.control).toMatchObject({ decision: 'violation', rule: 'agent_killed' })
    },
  )

  it('stores GenAI events sent by the logs exporter, under the span they belong to', async () => {
    const key = await newKey()
    // A span of the registered provider, which exports nothing: only the records are sent here.
    const tracer = trace.getTracer('t')
    const logs = loggerProvider({ url: live.url, key, resource: { 'service.name': 'chat-app' } })
    const logger = logs.getLogger('gen-ai-events')
    const span = tracer.startSpan('chat gpt-4o')
    const inSpan = trace.setSpan(context.active(), span)
    logger.emit({
      eventName: 'gen_ai.user.message',
      context: inSpan,
      attributes: { 'gen_ai.provider.name': 'openai' },
      body: { content: 'Weather in Paris?' },
    })
    logger.emit({
      eventName: 'gen_ai.choice',
      context: inSpan,
      body: { index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'Rainy.' } },
    })
    span.end()
    await logs.forceFlush()
    await logs.shutdown()

    const events = await storedEvents(live.url, key)
    const { traceId, spanId } = span.spanContext()
    const common = {
      kind: 'message',
      agent: 'chat-app',
      trace_id: traceId,
      span_id: null,
      parent_span_id: spanId,
      status: 'success',
    }
    expect(events.find((e) => e.action === 'gen_ai.user.message')).toMatchObject({
      ...common,
      provider: 'openai',
      input: 'Weather in Paris?',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
    })
    expect(events.find((e) => e.action === 'gen_ai.choice')).toMatchObject({
      ...common,
      output: { role: 'assistant', content: 'Rainy.', finish_reason: 'stop' },
      stop_reason: 'stop',
    })
  })
})
