import { OpenAIInstrumentation } from '@traceloop/instrumentation-openai'
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
  WEATHER_TOOLS as TOOLS,
} from '../helpers/otlp-openai-chats.js'
import { DIALECTS } from '../helpers/test-app.js'

// One instrumentation for the file, as an application has: it patches the OpenAI class once; each
// test points it at its own provider.
const instrumentation = new OpenAIInstrumentation({ traceContent: true })
instrumentation.manuallyInstrument(OpenAI)

/**
 * OpenLLMetry's OpenAI instrumentation (`@traceloop/instrumentation-openai`, the current GenAI
 * conventions with the messages as JSON text) on `openai@6` against OpenAI's API mocked on loopback,
 * exported with the published JSON exporter to the real server.
 */
describe.each(DIALECTS)(
  "Traceloop's OpenAI instrumentation, exported to the server (%s)",
  (dialect) => {
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

    it('maps a chat completion that asks for a tool and a streamed one, field by field', async () => {
      const key = await live.key(`traceloop-${++orgs}`, ['admin'])
      const events = await recordWeatherChats({
        url: live.url,
        key,
        protocol: 'json',
        mockBaseURL: openaiMock.baseURL,
        instrumentation,
      })
      expect(events).toHaveLength(2)
      // The instrumentation reports no cached tokens: priced as fresh input.
      const usage = { provider: 'openai', model: MOCK_MODEL, tokens_input: 21, tokens_output: 5 }
      const common = {
        kind: 'llm_call',
        agent: 'weather-app',
        service: 'openai',
        action: 'chat',
        title: 'chat gpt-4o-mini',
        status: 'success',
        ...usage,
        tokens_cache_read: null,
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
        stop_reason: 'tool_call',
      })
      expect(asked?.metadata).toMatchObject({
        response_id: 'chatcmpl-mock-1',
        otel: {
          scope: '@traceloop/instrumentation-openai@0.27.0',
          span_kind: 'client',
          convention: 'gen_ai',
          request_model: 'gpt-4o-mini',
        },
      })
      expect(asked?.metadata.attributes['gen_ai.tool.definitions']).toEqual(JSON.stringify(TOOLS))
      // On a stream it reports no usage at all (only tiktoken estimates, with `enrichTokens`): the
      // event has no counts, so no cost.
      expect(events.find((e) => e.tool_calls === null)).toMatchObject({
        ...common,
        tokens_input: null,
        tokens_output: null,
        tokens_total: null,
        cost_usd: null,
        cost_source: null,
        input: 'And tomorrow?',
        output: { role: 'assistant', content: MOCK_TEXT },
        stop_reason: 'stop',
      })
    })
  },
)
