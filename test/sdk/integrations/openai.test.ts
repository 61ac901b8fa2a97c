import { createHash } from 'node:crypto'
import { AgentTrail, LogwickClient } from 'agenttrail'
import {
  createToolExecutor,
  runToolCalls,
  withAgentLedger,
  wrapOpenAI,
  wrapOpenAICompletion,
} from 'agenttrail/integrations/openai'
import OpenAI from 'openai'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { useProviderHarness } from './provider-harness.js'
import * as fx from './openai-fixtures.js'

/**
 * The OpenAI wrapper, driven by the real `openai` library against an API double on 127.0.0.1,
 * recording into a real AgentTrail server; each stored event is read back and checked, the cost
 * included (the server prices it from its table: the client sends none).
 */
describe('the OpenAI integration', () => {
  const h = useProviderHarness('org-openai')

  const openai = () => new OpenAI({ apiKey: 'sk-test', baseURL: `${h.mock.url}/v1`, maxRetries: 0 })
  const wrapped = (agent: string) =>
    wrapOpenAI(openai(), h.trail, { event: { agent, conversation_id: `conv-${agent}` } })
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')
  const json = (value: unknown) => JSON.parse(JSON.stringify(value))
  /** Chat chunks as OpenAI streams them: one `data:` line each, then `data: [DONE]`. */
  const chatSse = (chunks: unknown[]) => [...chunks.map((data) => ({ data })), { raw: '[DONE]' }]

  it('records a chat completion field by field and returns the completion the library parsed', async () => {
    h.mock.reply({ json: fx.CHAT_COMPLETION, headers: fx.RATE_LIMIT_HEADERS })
    const client = openai()
    const params = {
      model: 'gpt-4o',
      messages: fx.MESSAGES,
      tools: fx.TOOLS,
      temperature: 0.2,
    } as OpenAI.ChatCompletionCreateParamsNonStreaming
    const completion = await wrapOpenAI(client, h.trail, {
      event: { agent: 'chat-bot', user: 'ada@acme.com' },
    }).chat.completions.create(params)

    expect(completion).toEqual(fx.CHAT_COMPLETION)
    expect(completion._request_id).toBe(fx.REQUEST_ID)
    expect(h.mock.requests.at(-1)).toMatchObject({
      method: 'POST',
      path: '/v1/chat/completions',
      body: json(params),
    })
    expect(client.chat.completions.create).toBe(OpenAI.Chat.Completions.prototype.create)

    const [event, ...others] = await h.recorded('chat-bot')
    expect(others).toEqual([])
    expect(event).toMatchObject({
      kind: 'llm_call',
      status: 'success',
      provider: 'openai',
      service: 'openai',
      action: 'chat.completions',
      user: 'ada@acme.com',
      model: 'gpt-4o-2024-08-06',
      input: 'What is the weather in Paris?',
      messages: fx.MESSAGES,
      output: fx.CHAT_COMPLETION,
      system_prompt_sha256: sha256('You are a weather assistant.'),
      stop_reason: 'tool_calls',
      tool_calls: fx.CHAT_COMPLETION.choices[0]!.message.tool_calls,
      // prompt_tokens includes the cached ones; the server applies OpenAI's rule.
      tokens_input: 2006,
      tokens_cache_read: 1920,
      tokens_cache_write: null,
      tokens_output: 300,
      tokens_total: 2306,
      // gpt-4o: (2,006 - 1,920) × $2.50 + 1,920 × $1.25 + 300 × $10 per million = 215 + 2,400 + 3,000 µ$
      cost_usd: 0.005615,
      cost_source: 'price_table@2026-11-01',
      rate_limit: {
        'x-ratelimit-limit-requests': '10000',
        'x-ratelimit-limit-tokens': '30000000',
        'x-ratelimit-remaining-requests': '9999',
        'x-ratelimit-remaining-tokens': '29997694',
        'x-ratelimit-reset-requests': '6ms',
        'x-ratelimit-reset-tokens': '4ms',
      },
      metadata: {
        request: { temperature: 0.2, tools: ['get_weather'] },
        request_id: fx.REQUEST_ID,
        processing_ms: 412,
        response_id: fx.CHAT_COMPLETION.id,
        system_fingerprint: 'fp_6ec83003ad',
        service_tier: 'default',
        reasoning_tokens: 0,
      },
    })
    expect(event.duration_ms).toBeGreaterThanOrEqual(0)
  })

  it('keeps the library promise: withResponse() gives the data and the raw response', async () => {
    h.mock.reply({ json: fx.CHAT_COMPLETION, headers: fx.RATE_LIMIT_HEADERS })
    const { data, response, request_id } = await wrapped('with-response-bot')
      .chat.completions.create({
        model: 'gpt-4o',
        messages: fx.MESSAGES,
      } as OpenAI.ChatCompletionCreateParamsNonStreaming)
      .withResponse()
    expect(data).toEqual(fx.CHAT_COMPLETION)
    expect(response.status).toBe(200)
    expect(request_id).toBe(fx.REQUEST_ID)
    expect(await h.recorded('with-response-bot')).toMatchObject([
      { status: 'success', tokens_input: 2006, cost_usd: 0.005615 },
    ])
  })

  it('passes a stream through unchanged and takes the usage from its last chunk', async () => {
    h.mock.reply({ sse: chatSse(fx.CHAT_STREAM_WITH_USAGE), headers: fx.RATE_LIMIT_HEADERS })
    const stream = await wrapped('stream-bot').chat.completions.create({
      model: 'gpt-4o-mini',
      messages: fx.MESSAGES,
      stream: true,
      stream_options: { include_usage: true },
    } as OpenAI.ChatCompletionCreateParamsStreaming)
    const read: unknown[] = []
    for await (const chunk of stream) read.push(chunk)
    expect(read).toEqual(fx.CHAT_STREAM_WITH_USAGE)

    const [event] = await h.recorded('stream-bot')
    expect(event).toMatchObject({
      status: 'success',
      model: 'gpt-4o-mini-2024-07-18',
      stop_reason: 'stop',
      output: {
        object: 'chat.completion',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: 'It is sunny in Paris.' },
            finish_reason: 'stop',
          },
        ],
      },
      tokens_input: 1200,
      tokens_cache_read: 1024,
      tokens_output: 42,
      tokens_total: 1242,
      // gpt-4o-mini: 176 × 0.15 + 1,024 × 0.075 + 42 × 0.60 = 26.4 + 76.8 + 25.2 = 128.4 µ$ → 128
      cost_usd: 0.000128,
      cost_source: 'price_table@2026-11-01',
      rate_limit: { 'x-ratelimit-remaining-requests': '9999' },
      metadata: {
        stream: true,
        request: { stream: true, stream_options: { include_usage: true } },
      },
    })
    expect(event.metadata.first_chunk_ms).toBeGreaterThanOrEqual(0)
  })

  it('records a stream without include_usage without tokens or price, its tool call put together', async () => {
    h.mock.reply({ sse: chatSse(fx.CHAT_STREAM_TOOL_CALL) })
    const stream = await wrapped('stream-tool-bot').chat.completions.create({
      model: 'gpt-4o-mini',
      messages: fx.MESSAGES,
      tools: fx.TOOLS,
      stream: true,
    } as OpenAI.ChatCompletionCreateParamsStreaming)
    for await (const chunk of stream) void chunk

    const [event] = await h.recorded('stream-tool-bot')
    expect(event).toMatchObject({
      status: 'success',
      stop_reason: 'tool_calls',
      tool_calls: [
        {
          id: 'call_DdmO9pD3xa9XTPNJ32zg2hcA',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
        },
      ],
      tokens_input: null,
      tokens_output: null,
      cost_usd: null,
      cost_source: null,
      metadata: { stream: true, usage: 'not_in_stream' },
    })
  })

  it('records a stream the application stops reading as canceled, with what arrived', async () => {
    h.mock.reply({ sse: chatSse(fx.CHAT_STREAM_WITH_USAGE) })
    const stream = await wrapped('cancel-bot').chat.completions.create({
      model: 'gpt-4o-mini',
      messages: fx.MESSAGES,
      stream: true,
    } as OpenAI.ChatCompletionCreateParamsStreaming)
    let n = 0
    for await (const chunk of stream) if ((void chunk, ++n === 2)) break

    const [event] = await h.recorded('cancel-bot')
    expect(event).toMatchObject({
      status: 'error',
      error: { name: 'StreamCanceled' },
      output: { choices: [{ message: { content: 'It is sunny' }, finish_reason: null }] },
      cost_usd: null,
    })
  })

  it('records a Responses API call with its function call, reasoning summary and cached tokens', async () => {
    h.mock.reply({ json: fx.RESPONSE, headers: fx.RATE_LIMIT_HEADERS })
    const params = {
      model: 'gpt-5',
      instructions: 'You are a weather assistant.',
      input: 'What is the weather in Paris?',
      reasoning: { effort: 'medium' },
    }
    const response = await wrapped('responses-bot').responses.create(
      params as OpenAI.Responses.ResponseCreateParamsNonStreaming,
    )
    expect(json(response)).toEqual({ ...fx.RESPONSE, output_text: '' })
    expect(h.mock.requests.at(-1)).toMatchObject({ path: '/v1/responses', body: params })

    const [event] = await h.recorded('responses-bot')
    expect(event).toMatchObject({
      kind: 'llm_call',
      status: 'success',
      provider: 'openai',
      action: 'responses',
      conversation_id: 'conv-responses-bot',
      model: 'gpt-5-2025-08-07',
      input: 'What is the weather in Paris?',
      system_prompt_sha256: sha256('You are a weather assistant.'),
      stop_reason: 'completed',
      thinking: 'The user wants the weather; call get_weather.',
      tool_calls: [
        {
          id: 'call_12345xyz',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
        },
      ],
      tokens_input: 5000,
      tokens_cache_read: 4096,
      tokens_output: 700,
      tokens_total: 5700,
      // gpt-5: (5,000 - 4,096) × $1.25 + 4,096 × $0.125 + 700 × $10 per million = 1,130 + 512 + 7,000 µ$
      cost_usd: 0.008642,
      cost_source: 'price_table@2026-11-01',
      metadata: {
        reasoning_tokens: 512,
        response_id: fx.RESPONSE.id,
        request: { reasoning: { effort: 'medium' } },
      },
    })
  })

  it('records a streamed Responses call from its final event', async () => {
    h.mock.reply({ sse: fx.RESPONSES_STREAM, headers: fx.RATE_LIMIT_HEADERS })
    const stream = await wrapped('responses-stream-bot').responses.create({
      model: 'gpt-4.1',
      input: [{ role: 'user', content: 'What is the weather in Paris?' }],
      stream: true,
    } as OpenAI.Responses.ResponseCreateParamsStreaming)
    const types: string[] = []
    for await (const event of stream) types.push(event.type)
    expect(types).toEqual(fx.RESPONSES_STREAM.map((e) => e.event))

    const [event] = await h.recorded('responses-stream-bot')
    expect(event).toMatchObject({
      status: 'success',
      action: 'responses',
      model: 'gpt-4.1-2025-04-14',
      messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
      stop_reason: 'completed',
      tokens_input: 3000,
      tokens_cache_read: 2048,
      tokens_output: 150,
      // gpt-4.1: (3,000 - 2,048) × $2 + 2,048 × $0.50 + 150 × $8 per million = 1,904 + 1,024 + 1,200 µ$
      cost_usd: 0.004128,
      cost_source: 'price_table@2026-11-01',
      metadata: { stream: true },
    })
  })

  it('rethrows a 429 unchanged and records it as an error with the rate-limit headers', async () => {
    h.mock.reply(fx.RATE_LIMITED)
    const call = wrapped('limited-bot').chat.completions.create({
      model: 'gpt-4o',
      messages: fx.MESSAGES,
    } as OpenAI.ChatCompletionCreateParamsNonStreaming)
    const error = await call.then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(OpenAI.RateLimitError)
    expect(error).toMatchObject({
      status: 429,
      code: 'rate_limit_exceeded',
      type: 'tokens',
      requestID: fx.REQUEST_ID,
    })
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).message).toBe(
      `429 ${fx.RATE_LIMITED.json.error.message}`,
    )

    const [event] = await h.recorded('limited-bot')
    expect(event).toMatchObject({
      kind: 'llm_call',
      status: 'error',
      model: 'gpt-4o',
      input: 'What is the weather in Paris?',
      error: {
        name: 'RateLimitError',
        status: 429,
        type: 'tokens',
        code: 'rate_limit_exceeded',
        message: `429 ${fx.RATE_LIMITED.json.error.message}`,
      },
      rate_limit: { 'retry-after': '1', 'x-ratelimit-remaining-tokens': '0' },
      metadata: { request_id: fx.REQUEST_ID },
      tokens_input: null,
      cost_usd: null,
      cost_source: null,
    })
  })

  it('logs through LogwickClient.openai() as the Logwick reference shows, the model as agent', async () => {
    h.mock.reply({ json: fx.CHAT_COMPLETION, headers: fx.RATE_LIMIT_HEADERS })
    const logwick = new LogwickClient({
      apiKey: h.key,
      baseUrl: h.live.url,
      flushOnExit: false,
      tags: ['production'],
    })
    const client = openai()
    const result = await logwick.openai(
      () =>
        client.chat.completions.create({
          model: 'gpt-4o',
          messages: [{ role: 'user', content: 'Draft a reply' }],
        }),
      { action: 'email_draft', user: 'ops@acme.com' },
    )
    expect(result).toEqual(fx.CHAT_COMPLETION)
    await logwick.shutdown()

    const [event] = (await h.api('/api/v1/events?action=email_draft')).events
    expect(event).toMatchObject({
      kind: 'llm_call',
      agent: 'gpt-4o-2024-08-06',
      service: 'openai',
      action: 'email_draft',
      user: 'ops@acme.com',
      tags: ['production'],
      tokens_input: 2006,
      cost_usd: 0.005615,
      cost_source: 'price_table@2026-11-01',
    })
  })

  describe('tool helpers with the signatures of agentledger/integrations/openai', () => {
    const weather = async (args: Record<string, unknown>) => ({ city: args.city, temp_c: 18 })
    // These go through track(), which asks POST /api/v1/check first; with no policy or budget the
    // server allows every call, so the tool runs, is recorded, and nothing reaches onError.
    let tools: AgentTrail
    const checkErrors: Error[] = []
    beforeAll(() => {
      tools = new AgentTrail({
        apiKey: h.key,
        baseUrl: h.live.url,
        flushOnExit: false,
        onError: (e) => checkErrors.push(e),
      })
    })
    afterAll(() => tools.shutdown())
    afterEach(() => {
      expect(checkErrors).toEqual([])
      checkErrors.length = 0
    })
    const toolEvents = async (agent: string) => {
      await tools.flush()
      return h.recorded(agent)
    }

    it('createToolExecutor runs the handler through track() and records it as AgentLedger did', async () => {
      const execute = createToolExecutor(
        tools,
        'executor-bot',
        { get_weather: weather },
        { get_weather: { service: 'weather-api', action: 'current' } },
      )
      expect(await execute('get_weather', { city: 'Paris' })).toEqual({ city: 'Paris', temp_c: 18 })
      await expect(execute('send_email', {})).rejects.toThrow('Unknown tool: send_email')
      await expect(execute('toString', {})).rejects.toThrow('Unknown tool: toString')

      expect(await toolEvents('executor-bot')).toMatchObject([
        {
          kind: 'action',
          status: 'success',
          service: 'weather-api',
          action: 'current',
          metadata: {
            source: 'openai-agents',
            toolName: 'get_weather',
            argsPreview: '{"city":"Paris"}',
          },
        },
      ])
    })

    it('withAgentLedger and wrapOpenAICompletion keep the function and record its arguments preview', async () => {
      const send = withAgentLedger(
        tools,
        { agent: 'ledger-bot', service: 'sendgrid', action: 'send_email' },
        async (to: string, n: number) => `${to}:${n}`,
      )
      expect(await send('ada@acme.com', 2)).toBe('ada@acme.com:2')
      h.mock.reply({ json: fx.CHAT_COMPLETION })
      const client = openai()
      const create = wrapOpenAICompletion(
        tools,
        'ledger-bot',
        (params: OpenAI.ChatCompletionCreateParamsNonStreaming) =>
          client.chat.completions.create(params),
      )
      expect(
        await create({
          model: 'gpt-4o',
          messages: fx.MESSAGES,
        } as OpenAI.ChatCompletionCreateParamsNonStreaming),
      ).toEqual(fx.CHAT_COMPLETION)

      const events = await toolEvents('ledger-bot')
      expect(events.map((e) => [e.service, e.action, e.metadata.argsPreview])).toEqual([
        [
          'openai',
          'completion',
          JSON.stringify([{ model: 'gpt-4o', messages: fx.MESSAGES }]).slice(0, 500),
        ],
        ['sendgrid', 'send_email', '["ada@acme.com",2]'],
      ])
    })

    it('runToolCalls answers both APIs’ tool calls and ties each record to the call id', async () => {
      const options = {
        agent: 'runner-bot',
        handlers: { get_weather: weather },
        check: false,
        event: { conversation_id: 'conv-runner' },
      }
      const chat = await runToolCalls(
        tools,
        options,
        fx.CHAT_COMPLETION.choices[0]!.message.tool_calls,
      )
      expect(chat).toEqual([
        { role: 'tool', tool_call_id: 'call_abc123', content: '{"city":"Paris","temp_c":18}' },
      ])
      const responses = await runToolCalls(
        tools,
        options,
        fx.RESPONSE.output.filter((item) => item.type === 'function_call'),
      )
      expect(responses).toEqual([
        {
          type: 'function_call_output',
          call_id: 'call_12345xyz',
          output: '{"city":"Paris","temp_c":18}',
        },
      ])
      await expect(
        runToolCalls(tools, options, [
          { id: 'c', function: { name: 'get_weather', arguments: '{not json' } },
        ]),
      ).rejects.toThrow(SyntaxError)

      const events = await toolEvents('runner-bot')
      expect(
        events.map((e) => [
          e.kind,
          e.service,
          e.action,
          e.conversation_id,
          e.input,
          e.output,
          e.metadata.tool_call_id,
        ]),
      ).toEqual([
        [
          'tool_call',
          'get_weather',
          'invoke',
          'conv-runner',
          { city: 'Paris' },
          { city: 'Paris', temp_c: 18 },
          'call_12345xyz',
        ],
        [
          'tool_call',
          'get_weather',
          'invoke',
          'conv-runner',
          { city: 'Paris' },
          { city: 'Paris', temp_c: 18 },
          'call_abc123',
        ],
      ])
    })
  })
})
