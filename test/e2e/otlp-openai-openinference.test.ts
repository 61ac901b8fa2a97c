import { OpenAIInstrumentation } from '@arizeai/openinference-instrumentation-openai'
import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { priceLlmCall } from '@agenttrail/protocol'
import { startLiveServer } from '../helpers/live-server.js'
import type { LiveServer } from '../helpers/live-server.js'
import { MOCK_MODEL, MOCK_TEXT, startMockOpenAI } from '../helpers/mock-openai.js'
import type { MockOpenAI } from '../helpers/mock-openai.js'
import {
  recordWeatherChats,
  sha256,
  WEATHER_SYSTEM as SYSTEM,
} from '../helpers/otlp-openai-chats.js'
import { DIALECTS } from '../helpers/test-app.js'

// One instrumentation for the file: it patches the OpenAI class once, and its patch calls the
// tracer of the instance that applied it (each test points that one at its provider).
const instrumentation = new OpenAIInstrumentation()
instrumentation.manuallyInstrument(OpenAI)

/**
 * OpenInference's OpenAI instrumentation (`@arizeai/openinference-instrumentation-openai`: `llm.*`
 * attributes, the messages flattened) on `openai@6` against OpenAI's API mocked on loopback,
 * exported with the published protobuf exporter to the real server.
 */
describe.each(DIALECTS)(
  "OpenInference's OpenAI instrumentation, exported to the server (%s)",
  (dialect) => {
    let live: LiveServer
    let openaiMock: MockOpenAI
    beforeAll(async () => {
      live = await startLiveServer(dialect)
      openaiMock = await startMockOpenAI()
    })
    afterAll(async () => {
      await openaiMock.close()
      await live.close()
    })

    it('maps a chat completion that asks for a tool and a streamed one, field by field', async () => {
      const key = await live.key('openinference', ['admin'])
      const events = await recordWeatherChats({
        url: live.url,
        key,
        protocol: 'protobuf',
        mockBaseURL: openaiMock.baseURL,
        instrumentation,
      })
      expect(events).toHaveLength(2)
      const usage = {
        provider: 'openai',
        model: MOCK_MODEL,
        tokens_input: 21,
        tokens_output: 5,
        tokens_cache_read: 16,
      }
      const common = {
        kind: 'llm_call',
        agent: 'weather-app',
        service: 'openai',
        action: 'llm',
        title: 'OpenAI Chat Completions',
        status: 'success',
        ...usage,
        tokens_total: 26,
        cost_usd: (priceLlmCall(usage)?.micros ?? NaN) / 1e6,
        cost_source: 'price_table@2026-11-01',
      }
      const toolCall = { id: 'call_weather_1', name: 'get_weather', arguments: { city: 'Paris' } }
      const asked = events.find((e) => e.tool_calls !== null)
      expect(asked).toMatchObject({
        ...common,
        input: 'Weather in Paris?',
        messages: [{ role: 'user', content: 'Weather in Paris?' }],
        system_prompt_sha256: sha256(SYSTEM),
        output: { role: 'assistant', tool_calls: [toolCall] },
        tool_calls: [toolCall],
        stop_reason: 'tool_calls',
      })
      // The raw request and response (`input.value`, `output.value`) are not stored again.
      expect(Object.keys(asked?.metadata.attributes).sort()).toEqual([
        'llm.invocation_parameters',
        'llm.tools.0.tool.json_schema',
      ])
      expect(asked?.metadata.otel).toEqual({
        scope: '@arizeai/openinference-instrumentation-openai@4.2.7',
        span_kind: 'internal',
        convention: 'openinference',
      })
      // On a stream it records the text but no usage and no response model: the event has the
      // model asked for and no counts, so no cost.
      expect(events.find((e) => e.tool_calls === null)).toMatchObject({
        ...common,
        model: 'gpt-4o-mini',
        tokens_input: null,
        tokens_output: null,
        tokens_cache_read: null,
        tokens_total: null,
        cost_usd: null,
        cost_source: null,
        input: 'And tomorrow?',
        messages: [{ role: 'user', content: 'And tomorrow?' }],
        output: { role: 'assistant', content: MOCK_TEXT },
        stop_reason: 'stop',
      })
    })
  },
)
