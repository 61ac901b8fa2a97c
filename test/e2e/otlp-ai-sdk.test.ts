import { createHash } from 'node:crypto'
import { createOpenAI } from '@ai-sdk/openai'
import { context, propagation, trace } from '@opentelemetry/api'
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node'
import { generateText, stepCountIs, streamText, tool } from 'ai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { priceLlmCall } from '@agenttrail/protocol'
import { startLiveServer } from '../helpers/live-server.js'
import type { LiveServer } from '../helpers/live-server.js'
import { MOCK_MODEL, MOCK_TEXT, startMockOpenAI } from '../helpers/mock-openai.js'
import type { MockOpenAI } from '../helpers/mock-openai.js'
import { storedEvents, tracerProvider } from '../helpers/otlp-client.js'
import { DIALECTS } from '../helpers/test-app.js'

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')
const SYSTEM = 'You are a terse weather assistant.'

// The SDK's context manager, so the AI SDK's spans nest.
beforeAll(() => new NodeTracerProvider().register())
afterAll(() => {
  trace.disable()
  context.disable()
  propagation.disable()
})

/**
 * The Vercel AI SDK (`ai` with `@ai-sdk/openai`) with telemetry on, against OpenAI's API mocked on
 * loopback, exporting through the published protobuf exporter to the real server.
 */
describe.each(DIALECTS)('the AI SDK with telemetry on, exported to the server (%s)', (dialect) => {
  let live: LiveServer
  let openaiMock: MockOpenAI
  let orgs = 0
  beforeAll(async () => {
    live = await startLiveServer(dialect)
    openaiMock = await startMockOpenAI()
  })
  afterAll(async () => {
    await openaiMock.close()
    await live.close()
  })

  async function run(fn: (telemetry: object) => Promise<void>) {
    const key = await live.key(`ai-sdk-${++orgs}`, ['admin'])
    const provider = tracerProvider({
      url: live.url,
      key,
      protocol: 'protobuf',
      gzip: true,
      resource: { 'service.name': 'weather-app' },
    })
    await fn({
      isEnabled: true,
      tracer: provider.getTracer('ai'),
      functionId: 'weather-bot',
      metadata: { sessionId: `conv-ai-${orgs}`, userId: 'user-7' },
    })
    await provider.forceFlush()
    await provider.shutdown()
    return { key, events: await storedEvents(live.url, key), conversation: `conv-ai-${orgs}` }
  }

  it('maps generateText with a tool call: the outer call, each model call and the tool, without counting tokens twice', async () => {
    const openai = createOpenAI({ baseURL: openaiMock.baseURL, apiKey: 'sk-test' })
    const { key, events, conversation } = await run(async (telemetry) => {
      const result = await generateText({
        model: openai.chat('gpt-4o-mini'),
        system: SYSTEM,
        prompt: 'Weather in Paris?',
        tools: {
          get_weather: tool({
            description: 'The weather in a city',
            inputSchema: z.object({ city: z.string() }),
            execute: async ({ city }) => ({ city, sky: 'rain', celsius: 14 }),
          }),
        },
        stopWhen: stepCountIs(3),
        experimental_telemetry: telemetry,
      })
      expect(result.text).toBe(MOCK_TEXT)
    })
    expect(events).toHaveLength(4)
    const common = {
      agent: 'weather-app',
      user: 'user-7',
      conversation_id: conversation,
      status: 'success',
    }
    const outer = events.find((e) => e.kind === 'turn')
    expect(outer).toMatchObject({
      ...common,
      action: 'generateText',
      title: 'ai.generateText',
      parent_span_id: null,
      provider: 'openai',
      model: 'gpt-4o-mini',
      input: 'Weather in Paris?',
      output: { role: 'assistant', content: MOCK_TEXT },
      system_prompt_sha256: sha256(SYSTEM),
      stop_reason: 'stop',
      tokens_input: null,
      tokens_output: null,
      cost_usd: null,
    })
    expect(outer?.metadata.otel.usage).toEqual({
      input: 42,
      output: 10,
      cache_read: 32,
      total: 52,
      reasoning: 0,
    })
    expect(outer?.metadata.attributes).toMatchObject({ 'ai.telemetry.functionId': 'weather-bot' })

    // The step that asked for the tool first (told apart by what they said, not by their times,
    // which can fall in the same millisecond).
    const llmCalls = events.filter((e) => e.kind === 'llm_call')
    expect(llmCalls).toHaveLength(2)
    const calls = ['tool-calls', 'stop'].map((r) => llmCalls.find((e) => e.stop_reason === r))
    const usage = {
      provider: 'openai',
      model: MOCK_MODEL,
      tokens_input: 21,
      tokens_output: 5,
      tokens_cache_read: 16,
    }
    const cost = (priceLlmCall(usage)?.micros ?? NaN) / 1e6
    const toolCall = { id: 'call_weather_1', name: 'get_weather', arguments: { city: 'Paris' } }
    for (const call of calls)
      expect(call).toMatchObject({
        ...common,
        ...usage,
        service: 'openai',
        action: 'generateText.doGenerate',
        title: 'ai.generateText.doGenerate',
        trace_id: outer?.trace_id,
        parent_span_id: outer?.span_id,
        tokens_total: 26,
        cost_usd: cost,
        cost_source: 'price_table@2026-11-01',
        system_prompt_sha256: sha256(SYSTEM),
      })
    expect(calls[0]).toMatchObject({
      input: 'Weather in Paris?',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      output: { role: 'assistant', tool_calls: [toolCall] },
      tool_calls: [toolCall],
      stop_reason: 'tool-calls',
    })
    expect(calls[0]?.metadata).toMatchObject({ response_id: 'chatcmpl-mock-1' })
    expect(calls[1]).toMatchObject({
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', tool_calls: [toolCall] },
        {
          role: 'tool',
          tool_call_id: 'call_weather_1',
          name: 'get_weather',
          content: { city: 'Paris', sky: 'rain', celsius: 14 },
        },
      ],
      output: { role: 'assistant', content: MOCK_TEXT },
      stop_reason: 'stop',
    })
    // The two model calls count the tokens; the outer call's sum is not counted again.
    const sum = (field: string) => events.reduce((n, e) => n + (e[field] ?? 0), 0)
    expect([sum('tokens_input'), sum('tokens_output'), sum('tokens_cache_read')]).toEqual([
      42, 10, 32,
    ])

    const toolEvent = events.find((e) => e.kind === 'tool_call')
    expect(toolEvent).toMatchObject({
      ...common,
      service: 'get_weather',
      action: 'invoke',
      title: 'ai.toolCall',
      parent_span_id: outer?.span_id,
      input: { city: 'Paris' },
      output: { city: 'Paris', sky: 'rain', celsius: 14 },
      metadata: expect.objectContaining({
        toolName: 'get_weather',
        tool_call_id: 'call_weather_1',
      }),
    })
    // The conversation shows the first call's tool with the tool span's result.
    const timeline = await fetch(`${live.url}/api/v1/conversations/${conversation}/timeline`, {
      headers: { authorization: `Bearer ${key}` },
    })
    const items = ((await timeline.json()) as { events: Array<Record<string, any>> }).events
    expect(items.find((i) => i.id === calls[0]?.id)?.tools_called).toEqual([
      expect.objectContaining({
        id: 'call_weather_1',
        name: 'get_weather',
        result: { city: 'Paris', sky: 'rain', celsius: 14 },
        result_event_id: toolEvent?.id,
      }),
    ])
  })

  it('maps streamText: the outer call and its streamed model call', async () => {
    const openai = createOpenAI({ baseURL: openaiMock.baseURL, apiKey: 'sk-test' })
    const { events, conversation } = await run(async (telemetry) => {
      const result = streamText({
        model: openai.chat('gpt-4o-mini'),
        prompt: 'And tomorrow?',
        experimental_telemetry: telemetry,
      })
      expect(await result.text).toBe(MOCK_TEXT)
    })
    expect(events).toHaveLength(2)
    const outer = events.find((e) => e.kind === 'turn')
    expect(outer).toMatchObject({
      action: 'streamText',
      conversation_id: conversation,
      input: 'And tomorrow?',
      output: { role: 'assistant', content: MOCK_TEXT },
      tokens_input: null,
    })
    expect(events.find((e) => e.kind === 'llm_call')).toMatchObject({
      action: 'streamText.doStream',
      parent_span_id: outer?.span_id,
      conversation_id: conversation,
      provider: 'openai',
      model: MOCK_MODEL,
      tokens_input: 21,
      tokens_output: 5,
      tokens_cache_read: 16,
      input: 'And tomorrow?',
      output: { role: 'assistant', content: MOCK_TEXT },
      stop_reason: 'stop',
      cost_source: 'price_table@2026-11-01',
    })
  })
})
