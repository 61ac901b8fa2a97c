import { createHash } from 'node:crypto'
import { ApiError, GenerateContentResponse, GoogleGenAI } from '@google/genai'
import { PRICE_TABLE_SOURCE } from '@agenttrail/protocol'
import { LogwickClient } from 'agenttrail'
import { wrapGemini } from 'agenttrail/integrations/gemini'
import { describe, expect, it } from 'vitest'
import { useProviderHarness } from './provider-harness.js'
import * as fx from './gemini-fixtures.js'

/**
 * The Gemini wrapper, driven by the real `@google/genai` against a Gemini API double on 127.0.0.1,
 * recording into a real AgentTrail server; each stored event is read back and checked.
 */
describe('the Google Gemini integration', () => {
  const h = useProviderHarness('org-gemini')

  const genai = () =>
    new GoogleGenAI({ apiKey: 'test-gemini-key', httpOptions: { baseUrl: h.mock.url } })
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')
  const sse = (frames: unknown[]) => ({
    sse: frames.map((data) => ({ data })),
    separator: '\r\n\r\n',
  })
  /** A response as the library hands it over, without its HTTP headers: what the event's output holds. */
  const plain = (response: GenerateContentResponse) => {
    const { sdkHttpResponse: _headers, ...fields } = JSON.parse(JSON.stringify(response))
    return fields
  }

  it('records generateContent field by field and returns the library’s own response', async () => {
    h.mock.reply({ json: fx.RESPONSE })
    const ai = genai()
    const original = ai.models.generateContent
    const wrapped = wrapGemini(ai, h.trail, {
      event: { agent: 'travel-bot', conversation_id: 'conv-trip-1' },
    })
    expect(wrapped.models.generateContent).not.toBe(original)
    expect(ai.models.generateContent).toBe(original) // the client passed in is not changed

    const response = await wrapped.models.generateContent(fx.REQUEST)

    expect(response).toBeInstanceOf(GenerateContentResponse)
    expect(plain(response)).toEqual(fx.RESPONSE)
    expect(response.text).toBe('Let me look up the weather in Paris.')
    expect(response.functionCalls).toEqual([{ name: 'get_weather', args: { city: 'Paris' } }])
    expect(h.mock.requests.at(-1)).toMatchObject({
      method: 'POST',
      path: '/v1beta/models/gemini-2.5-flash:generateContent',
      body: {
        contents: fx.REQUEST.contents,
        systemInstruction: { parts: [{ text: fx.REQUEST.config.systemInstruction }] },
      },
    })

    const [event, ...others] = await h.recorded('travel-bot')
    expect(others).toEqual([])
    expect(event).toMatchObject({
      kind: 'llm_call',
      status: 'success',
      provider: 'google',
      model: 'gemini-2.5-flash',
      conversation_id: 'conv-trip-1',
      messages: fx.REQUEST.contents,
      input: fx.REQUEST.contents[2],
      system_prompt_sha256: sha256('You are a travel assistant. Answer briefly.'),
      output: { text: 'Let me look up the weather in Paris.', ...fx.RESPONSE },
      thinking:
        '**Checking the forecast**\n\nThe user wants the weather in Paris; I should call get_weather.',
      tool_calls: [{ name: 'get_weather', input: { city: 'Paris' } }],
      stop_reason: 'STOP',
      // promptTokenCount includes the 4096 cached tokens; thoughts (153) are output, beside the 38 candidates tokens.
      tokens_input: 5210,
      tokens_cache_read: 4096,
      tokens_cache_write: null,
      tokens_output: 191,
      tokens_total: 5401,
      rate_limit: null,
      error: null,
      metadata: {
        request: {
          temperature: 0.2,
          thinkingConfig: { includeThoughts: true, thinkingBudget: 1024 },
          tools: ['get_weather'],
        },
        tokens_thoughts: 153,
      },
    })
    expect(event.duration_ms).toBeGreaterThanOrEqual(0)
    // No cost is sent; the server prices the call. Gemini 2.5 Flash per million tokens: $0.30
    // input, $0.03 cached, $2.50 output. (5210 − 4096) × 0.30 + 4096 × 0.03 + 191 × 2.50
    // = 334.2 + 122.88 + 477.5 = 934.58 µ$, rounded to 935.
    expect(event).toMatchObject({ cost_usd: 0.000935, cost_source: PRICE_TABLE_SOURCE })

    const detail = await h.api(`/api/v1/conversations/conv-trip-1/calls/${event.id}`)
    expect(detail).toMatchObject({
      system_prompt: { text: 'You are a travel assistant. Answer briefly.' },
      response_text: 'Let me look up the weather in Paris.',
      tool_calls: [{ name: 'get_weather', input: { city: 'Paris' } }],
      tokens: { input: 5210, output: 191, cached: 4096, total: 5401 },
    })
  })

  it('passes generateContentStream chunks through unchanged and records the response they make when it ends', async () => {
    h.mock.reply(sse(fx.STREAM))
    const wrapped = wrapGemini(genai(), h.trail, { event: { agent: 'stream-trip-bot' } })
    const stream = await wrapped.models.generateContentStream({
      model: fx.MODEL,
      contents: 'What is the weather in Paris?',
    })

    expect(await h.recorded('stream-trip-bot')).toEqual([])
    const chunks: GenerateContentResponse[] = []
    for await (const chunk of stream) chunks.push(chunk)
    expect(chunks.every((c) => c instanceof GenerateContentResponse)).toBe(true)
    expect(chunks.map(plain)).toEqual(fx.STREAM)
    expect(h.mock.requests.at(-1)?.path).toBe(
      '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse',
    )

    const [event, ...others] = await h.recorded('stream-trip-bot')
    expect(others).toEqual([])
    expect(event).toMatchObject({
      status: 'success',
      provider: 'google',
      model: 'gemini-2.5-flash',
      messages: 'What is the weather in Paris?',
      input: 'What is the weather in Paris?',
      output: {
        text: 'The weather in Paris is sunny, 24°C.',
        candidates: [
          {
            content: {
              role: 'model',
              parts: [
                { text: '**Checking the forecast**\n\nParis, today.', thought: true },
                { text: 'The weather in Paris is sunny, 24°C.' },
              ],
            },
            finishReason: 'STOP',
          },
        ],
        usageMetadata: fx.STREAM[2]!.usageMetadata,
        responseId: 'nBjtaPr3Gr7Vz7IP0MrQ4Qg',
      },
      thinking: '**Checking the forecast**\n\nParis, today.',
      stop_reason: 'STOP',
      tokens_input: 5210,
      tokens_cache_read: 4096,
      tokens_output: 165,
      tokens_total: 5375,
      // 334.2 + 122.88 µ$ as above, and 165 output tokens (12 + 153 thinking) × $2.50 / M = 412.5: 869.58 → 870 µ$.
      cost_usd: 0.00087,
      cost_source: PRICE_TABLE_SOURCE,
    })
  })

  it('records each turn of a chat made with chats.create(), with the history it sent', async () => {
    const answer = (text: string) => ({
      ...fx.RESPONSE,
      candidates: [
        { content: { parts: [{ text }], role: 'model' }, finishReason: 'STOP', index: 0 },
      ],
    })
    h.mock.reply({ json: answer('Hello! Where are you going?') })
    h.mock.reply({ json: answer('Paris is lovely in May.') })
    const wrapped = wrapGemini(genai(), h.trail, { event: { agent: 'chat-trip-bot' } })
    const chat = wrapped.chats.create({
      model: fx.MODEL,
      config: { systemInstruction: 'You are a travel assistant.' },
    })
    expect((await chat.sendMessage({ message: 'Hi' })).text).toBe('Hello! Where are you going?')
    expect((await chat.sendMessage({ message: 'Paris, in May' })).text).toBe(
      'Paris is lovely in May.',
    )

    const events = (await h.recorded('chat-trip-bot')).reverse()
    expect(events.map((e) => [e.input, e.output.text])).toEqual([
      [{ role: 'user', parts: [{ text: 'Hi' }] }, 'Hello! Where are you going?'],
      [{ role: 'user', parts: [{ text: 'Paris, in May' }] }, 'Paris is lovely in May.'],
    ])
    expect(events[1].messages).toEqual([
      { role: 'user', parts: [{ text: 'Hi' }] },
      { role: 'model', parts: [{ text: 'Hello! Where are you going?' }] },
      { role: 'user', parts: [{ text: 'Paris, in May' }] },
    ])
    expect(events[1].system_prompt_sha256).toBe(sha256('You are a travel assistant.'))
  })

  it('rethrows the provider error unchanged and records it with the quota and retry details', async () => {
    h.mock.reply({ status: 429, json: fx.QUOTA_EXCEEDED })
    const bare = await genai()
      .models.generateContent({ model: fx.MODEL, contents: 'Summarize Q3' })
      .catch((e: unknown) => e)
    h.mock.reply({ status: 429, json: fx.QUOTA_EXCEEDED })
    const requestsBefore = h.mock.requests.length
    const wrapped = wrapGemini(genai(), h.trail, { event: { agent: 'quota-bot' } })
    const thrown = await wrapped.models
      .generateContent({ model: fx.MODEL, contents: 'Summarize Q3' })
      .catch((e: unknown) => e)

    expect(h.mock.requests.length).toBe(requestsBefore + 1)
    expect(thrown).toBeInstanceOf(ApiError)
    expect(thrown).toMatchObject({ status: 429, message: (bare as Error).message })

    const [event] = await h.recorded('quota-bot')
    expect(event).toMatchObject({
      status: 'error',
      provider: 'google',
      model: 'gemini-2.5-flash',
      input: 'Summarize Q3',
      output: null,
      error: {
        name: 'ApiError',
        status: 429,
        type: 'RESOURCE_EXHAUSTED',
        message: (bare as Error).message,
      },
      rate_limit: {
        retry_delay: '17s',
        quota_violations: fx.QUOTA_EXCEEDED.error.details[0]!.violations,
      },
    })
  })

  it('records an error chunk in the middle of a stream, with what had arrived', async () => {
    h.mock.reply(sse([fx.STREAM[0], fx.STREAM[1], fx.OVERLOADED]))
    const wrapped = wrapGemini(genai(), h.trail, { event: { agent: 'overloaded-trip-bot' } })
    const stream = await wrapped.models.generateContentStream({
      model: fx.MODEL,
      contents: 'Weather?',
    })
    const thrown = await (async () => {
      for await (const _ of stream);
    })().catch((e: unknown) => e)
    expect(thrown).toBeInstanceOf(ApiError)

    const [event] = await h.recorded('overloaded-trip-bot')
    expect(event).toMatchObject({
      status: 'error',
      error: {
        name: 'ApiError',
        status: 503,
        type: 'UNAVAILABLE',
        message: (thrown as Error).message,
      },
      output: { text: 'The weather in Paris ' },
      thinking: '**Checking the forecast**\n\nParis, today.',
      tokens_input: 5210,
      tokens_output: 158,
      stop_reason: null,
    })
  })

  it('records a stream the application stopped reading as cut short', async () => {
    h.mock.reply(sse(fx.STREAM))
    const wrapped = wrapGemini(genai(), h.trail, { event: { agent: 'impatient-trip-bot' } })
    const stream = await wrapped.models.generateContentStream({
      model: fx.MODEL,
      contents: 'Weather?',
    })
    for await (const _ of stream) break

    const [event] = await h.recorded('impatient-trip-bot')
    expect(event).toMatchObject({
      status: 'error',
      error: { name: 'StreamCanceled', message: 'The stream was closed before the response ended' },
      thinking: '**Checking the forecast**\n\nParis, today.',
      tokens_input: 5210,
    })
  })

  it("logwick.gemini() returns the call's response and records it as Logwick's wrapper does", async () => {
    h.mock.reply({ json: fx.RESPONSE })
    const logwick = new LogwickClient({ apiKey: h.key, baseUrl: h.live.url, flushOnExit: false })
    const ai = genai()
    const prompt = 'Analyse the Q3 numbers'
    const result = await logwick.gemini(
      () => ai.models.generateContent({ model: fx.MODEL, contents: prompt }),
      {
        action: 'data_analysis',
        user: 'ada@acme.com',
        input: prompt,
      },
    )
    expect(result).toBeInstanceOf(GenerateContentResponse)
    expect(plain(result)).toEqual(fx.RESPONSE)

    // `@google/generative-ai`, the library Logwick's example uses (`model.generateContent(prompt)`),
    // wraps the response as `{ response }` with a text() method. It is not installed here; this
    // stand-in has its shape.
    const legacy = {
      response: { ...fx.RESPONSE, text: () => 'Let me look up the weather in Paris.' },
    }
    expect(
      await logwick.gemini(() => Promise.resolve(legacy), {
        action: 'data_analysis',
        user: 'bob@acme.com',
      }),
    ).toBe(legacy)
    await logwick.shutdown()

    const events = (await h.api('/api/v1/events?action=data_analysis')).events as any[]
    expect(events.map((e) => e.user).sort()).toEqual(['ada@acme.com', 'bob@acme.com'])
    for (const event of events)
      expect(event).toMatchObject({
        kind: 'llm_call',
        agent: 'gemini-2.5-flash',
        provider: 'google',
        model: 'gemini-2.5-flash',
        output: { text: 'Let me look up the weather in Paris.' },
        tokens_total: 5401,
      })
    expect(events.find((e) => e.user === 'ada@acme.com').input).toBe(prompt)
  })
})
