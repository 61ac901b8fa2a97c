import { createHash } from 'node:crypto'
import Anthropic from '@anthropic-ai/sdk'
import { PRICE_TABLE_SOURCE } from '@agenttrail/protocol'
import { LogwickClient } from 'agenttrail'
import { wrapAnthropic } from 'agenttrail/integrations/anthropic'
import { describe, expect, it } from 'vitest'
import { useProviderHarness } from './provider-harness.js'
import * as fx from './anthropic-fixtures.js'

/**
 * The Anthropic wrapper, driven by the real `@anthropic-ai/sdk` against a Messages API double on
 * 127.0.0.1, recording into a real AgentTrail server; each stored event is read back and checked.
 */
describe('the Anthropic integration', () => {
  const h = useProviderHarness('org-anthropic')

  const anthropic = () =>
    new Anthropic({ apiKey: 'sk-ant-test', baseURL: h.mock.url, maxRetries: 0 })
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')
  const json = (value: unknown) => JSON.parse(JSON.stringify(value))

  it('records a message call field by field and returns the Message the library parsed', async () => {
    h.mock.reply({
      json: fx.MESSAGE,
      headers: { ...fx.RATE_LIMIT_HEADERS, 'request-id': fx.REQUEST_ID },
    })
    const client = anthropic()
    const wrapped = wrapAnthropic(client, h.trail, {
      event: { agent: 'weather-bot', conversation_id: 'conv-weather-1', user: 'ada@acme.com' },
    })

    const message = await wrapped.messages.create(
      fx.REQUEST as Anthropic.MessageCreateParamsNonStreaming,
    )

    expect(message).toEqual(fx.MESSAGE)
    expect(message._request_id).toBe(fx.REQUEST_ID)
    expect(h.mock.requests.at(-1)).toMatchObject({
      method: 'POST',
      path: '/v1/messages',
      body: fx.REQUEST,
    })
    expect(client.messages.create).toBe(Anthropic.Messages.prototype.create)

    const [event, ...others] = await h.recorded('weather-bot')
    expect(others).toEqual([])
    expect(event).toMatchObject({
      kind: 'llm_call',
      status: 'success',
      agent: 'weather-bot',
      user: 'ada@acme.com',
      conversation_id: 'conv-weather-1',
      provider: 'anthropic',
      model: 'claude-opus-4-5-20251101',
      messages: fx.REQUEST.messages,
      input: 'What is the weather in Paris?',
      system_prompt_sha256: sha256(
        'You are a weather assistant.\n\nAlways answer in one sentence.',
      ),
      output: fx.MESSAGE,
      thinking: 'The user wants the weather in Paris. I should call get_weather.',
      tool_calls: [fx.MESSAGE.content[2]],
      stop_reason: 'tool_use',
      // Anthropic counts input beside the cache: 42 + 4000 read + 1200 written + 156 output.
      tokens_input: 42,
      tokens_output: 156,
      tokens_cache_read: 4000,
      tokens_cache_write: 1200,
      tokens_total: 5398,
      rate_limit: fx.RATE_LIMIT_HEADERS,
      error: null,
      metadata: {
        request: {
          max_tokens: 2048,
          thinking: { type: 'enabled', budget_tokens: 1024 },
          tools: ['get_weather'],
        },
        request_id: fx.REQUEST_ID,
      },
    })
    expect(event.duration_ms).toBeGreaterThanOrEqual(0)
    // No cost is sent; the server prices the call. Claude Opus 4.5 per million tokens: $5 input,
    // $0.50 cache read, $6.25 cache write, $25 output. 42 × 5 + 4000 × 0.5 + 1200 × 6.25 + 156 × 25
    // = 210 + 2000 + 7500 + 3900 = 13,610 µ$.
    expect(event).toMatchObject({ cost_usd: 0.01361, cost_source: PRICE_TABLE_SOURCE })

    const detail = await h.api(`/api/v1/conversations/conv-weather-1/calls/${event.id}`)
    expect(detail).toMatchObject({
      system_prompt: { text: 'You are a weather assistant.\n\nAlways answer in one sentence.' },
      response_text: "I'll check the current weather in Paris for you.",
      tool_calls: [
        {
          id: 'toolu_01A09q90qw90lq917835lq9',
          name: 'get_weather',
          input: { city: 'Paris', unit: 'celsius' },
        },
      ],
      tokens: { input: 42, output: 156, cached: 4000, cache_write: 1200, total: 5398 },
    })
  })

  it('keeps .withResponse() and .asResponse() working through the wrapper', async () => {
    h.mock.reply({ json: fx.MESSAGE, headers: { 'request-id': fx.REQUEST_ID } })
    const wrapped = wrapAnthropic(anthropic(), h.trail, { event: { agent: 'with-response-bot' } })
    const { data, response, request_id } = await wrapped.messages
      .create(fx.REQUEST as Anthropic.MessageCreateParamsNonStreaming)
      .withResponse()
    expect(data).toEqual(fx.MESSAGE)
    expect(response.status).toBe(200)
    expect(request_id).toBe(fx.REQUEST_ID)

    // A raw response is the application's to read: the wrapper does not parse it, so records nothing.
    h.mock.reply({ json: fx.MESSAGE })
    const raw = await wrapped.messages
      .create(fx.REQUEST as Anthropic.MessageCreateParamsNonStreaming)
      .asResponse()
    expect(await raw.json()).toEqual(fx.MESSAGE)

    const events = await h.recorded('with-response-bot')
    expect(events.map((e) => [e.status, e.output])).toEqual([['success', fx.MESSAGE]])
  })

  it('passes a create({ stream: true }) stream through unchanged and records the message it made when it ends', async () => {
    h.mock.reply({
      sse: fx.STREAM,
      headers: { ...fx.RATE_LIMIT_HEADERS, 'request-id': fx.REQUEST_ID },
    })
    const wrapped = wrapAnthropic(anthropic(), h.trail, { event: { agent: 'stream-bot' } })
    const stream = await wrapped.messages.create({
      ...fx.REQUEST,
      stream: true,
    } as Anthropic.MessageCreateParamsStreaming)
    expect(stream).toBeInstanceOf((await import('@anthropic-ai/sdk/core/streaming')).Stream)

    expect(await h.recorded('stream-bot')).toEqual([]) // nothing until the stream ends
    const seen: unknown[] = []
    for await (const event of stream) seen.push(event)
    // The library drops `ping` events itself; everything else reaches the application as sent.
    expect(seen).toEqual(fx.STREAM.filter((f) => f.event !== 'ping').map((f) => f.data))

    const [event, ...others] = await h.recorded('stream-bot')
    expect(others).toEqual([])
    expect(event).toMatchObject({
      kind: 'llm_call',
      status: 'success',
      provider: 'anthropic',
      model: 'claude-opus-4-5-20251101',
      input: 'What is the weather in Paris?',
      output: fx.STREAMED_MESSAGE,
      thinking: 'The user wants the weather in Paris.',
      tool_calls: [fx.STREAMED_MESSAGE.content[2]],
      stop_reason: 'tool_use',
      // Input and cache counts from message_start, output from message_delta (cumulative).
      tokens_input: 42,
      tokens_output: 89,
      tokens_cache_read: 4000,
      tokens_cache_write: 1200,
      tokens_total: 5331,
      rate_limit: fx.RATE_LIMIT_HEADERS,
      metadata: { request: { stream: true, max_tokens: 2048 }, request_id: fx.REQUEST_ID },
      // 210 + 2000 + 7500 µ$ as above, and 89 output tokens × $25 / M = 2225 µ$.
      cost_usd: 0.011935,
      cost_source: PRICE_TABLE_SOURCE,
    })
  })

  it('records messages.stream() once, through the create call it makes', async () => {
    h.mock.reply({ sse: fx.STREAM, headers: fx.RATE_LIMIT_HEADERS })
    const wrapped = wrapAnthropic(anthropic(), h.trail, { event: { agent: 'helper-stream-bot' } })
    const texts: string[] = []
    const final = await wrapped.messages
      .stream(fx.REQUEST as Anthropic.MessageStreamParams)
      .on('text', (t) => texts.push(t))
      .finalMessage()
    expect(texts).toEqual(["I'll check ", 'the weather.'])
    expect(json(final)).toEqual({ ...fx.STREAMED_MESSAGE, parsed_output: null })

    const events = await h.recorded('helper-stream-bot')
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({
      status: 'success',
      output: fx.STREAMED_MESSAGE,
      tokens_output: 89,
      rate_limit: fx.RATE_LIMIT_HEADERS,
    })
  })

  it('rethrows the provider error unchanged and records it with the rate-limit headers', async () => {
    const headers = {
      ...fx.RATE_LIMIT_HEADERS,
      'retry-after': '17',
      'request-id': fx.RATE_LIMITED.request_id,
    }
    h.mock.reply({ status: 429, json: fx.RATE_LIMITED, headers })
    const bare = await anthropic()
      .messages.create(fx.REQUEST as Anthropic.MessageCreateParamsNonStreaming)
      .catch((e: unknown) => e)
    h.mock.reply({ status: 429, json: fx.RATE_LIMITED, headers })
    const wrapped = wrapAnthropic(anthropic(), h.trail, { event: { agent: 'limited-bot' } })
    const thrown = await wrapped.messages
      .create(fx.REQUEST as Anthropic.MessageCreateParamsNonStreaming)
      .catch((e: unknown) => e)

    expect(thrown).toBeInstanceOf(Anthropic.RateLimitError)
    expect(thrown).toMatchObject({
      status: 429,
      message: (bare as Error).message,
      error: fx.RATE_LIMITED,
    })

    const [event] = await h.recorded('limited-bot')
    expect(event).toMatchObject({
      status: 'error',
      provider: 'anthropic',
      model: 'claude-opus-4-5',
      input: 'What is the weather in Paris?',
      output: null,
      tokens_input: null,
      error: {
        name: 'RateLimitError',
        status: 429,
        type: 'rate_limit_error',
        message: (bare as Error).message,
      },
      rate_limit: { ...fx.RATE_LIMIT_HEADERS, 'retry-after': '17' },
      metadata: { request_id: fx.RATE_LIMITED.request_id },
    })
  })

  it('records an error event sent in the middle of a stream, with what had arrived', async () => {
    h.mock.reply({ sse: [...fx.STREAM.slice(0, 10), fx.OVERLOADED_EVENT] })
    const wrapped = wrapAnthropic(anthropic(), h.trail, { event: { agent: 'overloaded-bot' } })
    const stream = await wrapped.messages.create({
      ...fx.REQUEST,
      stream: true,
    } as Anthropic.MessageCreateParamsStreaming)
    const thrown = await (async () => {
      for await (const _ of stream);
    })().catch((e: unknown) => e)
    expect(thrown).toBeInstanceOf(Anthropic.APIError)

    const [event] = await h.recorded('overloaded-bot')
    expect(event).toMatchObject({
      status: 'error',
      error: {
        name: (thrown as Error).name,
        message: (thrown as Error).message,
        type: 'overloaded_error',
      },
      thinking: 'The user wants the weather in Paris.',
      output: {
        id: 'msg_01Stream7VwVbRg4AXp1bH2x',
        content: [{ type: 'thinking' }, { type: 'text', text: "I'll check the weather." }],
      },
      tokens_input: 42,
      stop_reason: null,
    })
  })

  it('records a stream the application stopped reading as cut short, with its tokens so far', async () => {
    h.mock.reply({ sse: fx.STREAM })
    const wrapped = wrapAnthropic(anthropic(), h.trail, { event: { agent: 'impatient-bot' } })
    const stream = await wrapped.messages.create({
      ...fx.REQUEST,
      stream: true,
    } as Anthropic.MessageCreateParamsStreaming)
    for await (const event of stream)
      if (event.type === 'content_block_start' && event.index === 1) break

    const [event] = await h.recorded('impatient-bot')
    expect(event).toMatchObject({
      status: 'error',
      error: { name: 'StreamCanceled', message: 'The stream was closed before the response ended' },
      tokens_input: 42,
      tokens_cache_read: 4000,
      thinking: 'The user wants the weather in Paris.',
    })
  })

  it('never lets a failure to record reach the application, and reports it', async () => {
    h.mock.reply({ json: fx.MESSAGE })
    const reported: unknown[] = []
    const broken = {
      fire: () => {
        throw new Error('sink is down')
      },
      reportError: (e: unknown) => reported.push(e),
    }
    const wrapped = wrapAnthropic(anthropic(), broken, { event: () => ({ agent: 'unused' }) })
    expect(
      await wrapped.messages.create(fx.REQUEST as Anthropic.MessageCreateParamsNonStreaming),
    ).toEqual(fx.MESSAGE)
    expect(reported).toEqual([new Error('sink is down')])
  })

  it("logwick.anthropic() runs the call, returns the Message and records it as Logwick's wrapper does", async () => {
    h.mock.reply({ json: fx.MESSAGE, headers: fx.RATE_LIMIT_HEADERS })
    const logwick = new LogwickClient({
      apiKey: h.key,
      baseUrl: h.live.url,
      flushOnExit: false,
      tags: ['production'],
    })
    const client = anthropic()
    const result = await logwick.anthropic(
      () =>
        client.messages.create({
          model: 'claude-3-5-sonnet-20241022',
          max_tokens: 1024,
          messages: [{ role: 'user', content: 'Review this contract' }],
        }),
      { action: 'document_review', user: 'ada@acme.com' },
    )
    expect(result).toEqual(fx.MESSAGE)
    await logwick.shutdown()

    const [event] = (await h.api('/api/v1/events?action=document_review')).events
    expect(event).toMatchObject({
      kind: 'llm_call',
      agent: 'claude-opus-4-5-20251101',
      action: 'document_review',
      user: 'ada@acme.com',
      provider: 'anthropic',
      model: 'claude-opus-4-5-20251101',
      output: fx.MESSAGE,
      tokens_total: 5398,
      rate_limit: fx.RATE_LIMIT_HEADERS,
      tags: ['production'],
    })
    const [log] = (await h.api('/api/v1/logs?action=document_review')).logs
    expect(log).toMatchObject({
      agent: 'claude-opus-4-5-20251101',
      action: 'document_review',
      tokens: 5398,
      status: 'success',
    })
  })
})
