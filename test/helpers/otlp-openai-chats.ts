import { createHash } from 'node:crypto'
import type { TracerProvider } from '@opentelemetry/api'
import OpenAI from 'openai'
import { MOCK_TEXT } from './mock-openai.js'
import { storedEvents, tracerProvider } from './otlp-client.js'

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')
export const WEATHER_SYSTEM = 'You are a terse weather assistant.'
export const WEATHER_TOOLS = [
  {
    type: 'function' as const,
    function: {
      name: 'get_weather',
      parameters: { type: 'object', properties: { city: { type: 'string' } } },
    },
  },
]

/**
 * The scenario both OpenAI instrumentation tests record: a chat completion (system prompt, one
 * tool offered) and a streamed one with usage asked for, through `openai@6` against the mock on
 * loopback, exported by the published exporter in `protocol` to the server as `key`. Resolves with
 * the events the server stored, once every export was answered.
 */
export async function recordWeatherChats(options: {
  url: string
  key: string
  protocol: 'json' | 'protobuf'
  mockBaseURL: string
  instrumentation: { setTracerProvider(provider: TracerProvider): void }
}) {
  const provider = tracerProvider({
    url: options.url,
    key: options.key,
    protocol: options.protocol,
    resource: { 'service.name': 'weather-app' },
  })
  options.instrumentation.setTracerProvider(provider)
  const client = new OpenAI({ baseURL: options.mockBaseURL, apiKey: 'sk-test' })
  const messages = [
    { role: 'system' as const, content: WEATHER_SYSTEM },
    { role: 'user' as const, content: 'Weather in Paris?' },
  ]
  await client.chat.completions.create({ model: 'gpt-4o-mini', messages, tools: WEATHER_TOOLS })
  const stream = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'And tomorrow?' }],
    stream: true,
    stream_options: { include_usage: true },
  })
  let text = ''
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? ''
  if (text !== MOCK_TEXT) throw new Error(`the stream read "${text}", not the mock's text`)
  await provider.forceFlush()
  await provider.shutdown()
  return storedEvents(options.url, options.key)
}
