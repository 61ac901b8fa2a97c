import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { priceLlmCall } from '@agenttrail/protocol'
import { DIALECTS, createTestApp } from '../helpers/test-app.js'
import type { TestApp } from '../helpers/test-app.js'
import { logsRequest, spanId, traceId } from '../helpers/otlp.js'

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

/** GenAI events sent as OTLP log records, read back through the API field by field. */
describe.each(DIALECTS)('OTLP log records mapped onto events (%s)', (dialect) => {
  let t: TestApp
  let orgs = 0
  beforeAll(async () => {
    t = await createTestApp({}, dialect)
  })
  afterAll(() => t.close())

  const newKey = () => t.key(`logs-${++orgs}`, ['admin'])
  const send = async (key: string, body: unknown) => {
    const res = await t.json('POST', '/v1/logs', { key, body })
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    return res.body
  }
  const events = async (key: string) =>
    (await t.json('GET', '/api/v1/events?limit=100', { key })).body.events as Array<
      Record<string, any>
    >
  const byAction = async (key: string, action: string) =>
    (await events(key)).find((e) => e.action === action)

  it('stores the message events as message events under their span, a system message as the prompt', async () => {
    const key = await newKey()
    const [trace, span] = [traceId(), spanId()]
    const ms = Date.now() - 2_000
    const linked = { traceId: trace, spanId: span, ms }
    const genAi = { 'gen_ai.system': 'openai', 'gen_ai.conversation.id': 'conv-logs' }
    expect(
      await send(
        key,
        logsRequest(
          [
            {
              ...linked,
              eventName: 'gen_ai.system.message',
              body: { content: 'Be brief.' },
              attributes: genAi,
            },
            {
              ...linked,
              eventName: 'gen_ai.user.message',
              body: { content: 'Weather in Paris?' },
              attributes: genAi,
            },
            {
              ...linked,
              eventName: 'gen_ai.choice',
              body: {
                index: 0,
                finish_reason: 'tool_calls',
                message: {
                  role: 'assistant',
                  tool_calls: [
                    {
                      id: 'call_1',
                      type: 'function',
                      function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
                    },
                  ],
                },
              },
              attributes: genAi,
            },
          ],
          { 'service.name': 'weather-bot' },
        ),
      ),
    ).toEqual({})
    const common = {
      kind: 'message',
      agent: 'weather-bot',
      provider: 'openai',
      conversation_id: 'conv-logs',
      trace_id: trace,
      span_id: null,
      parent_span_id: span,
      ts: new Date(ms).toISOString(),
      status: 'success',
      tokens_input: null,
    }
    expect(await byAction(key, 'gen_ai.system.message')).toMatchObject({
      ...common,
      system_prompt_sha256: sha256('Be brief.'),
      messages: null,
    })
    expect(await byAction(key, 'gen_ai.user.message')).toMatchObject({
      ...common,
      input: 'Weather in Paris?',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
    })
    const call = { id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }
    expect(await byAction(key, 'gen_ai.choice')).toMatchObject({
      ...common,
      output: { role: 'assistant', finish_reason: 'tool_calls', tool_calls: [call] },
      tool_calls: [call],
      stop_reason: 'tool_calls',
    })
  })

  it("keeps the tokens of an inference details event linked to its span off the event, and counts a lone one's", async () => {
    const key = await newKey()
    const details = (extra: object) => ({
      eventName: 'gen_ai.client.inference.operation.details',
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.usage.input_tokens': 200,
        'gen_ai.usage.output_tokens': 10,
        'gen_ai.input.messages': [
          { role: 'system', parts: [{ type: 'text', content: 'Be brief.' }] },
          { role: 'user', parts: [{ type: 'text', content: 'Hi' }] },
        ],
        'gen_ai.output.messages': [
          {
            role: 'assistant',
            finish_reason: 'stop',
            parts: [{ type: 'text', content: 'Hello.' }],
          },
        ],
      },
      ...extra,
    })
    await send(key, logsRequest([details({ traceId: traceId(), spanId: spanId() }), details({})]))
    const all = await events(key)
    const content = {
      action: 'chat',
      model: 'gpt-4o-mini',
      input: 'Hi',
      messages: [{ role: 'user', content: 'Hi' }],
      output: { role: 'assistant', content: 'Hello.', finish_reason: 'stop' },
      system_prompt_sha256: sha256('Be brief.'),
      stop_reason: 'stop',
    }
    const linked = all.find((e) => e.parent_span_id !== null)
    expect(linked).toMatchObject({
      kind: 'message',
      ...content,
      tokens_input: null,
      cost_usd: null,
    })
    expect(linked?.metadata.otel.usage).toEqual({ input: 200, output: 10 })
    const usage = { provider: 'openai', model: 'gpt-4o-mini', tokens_input: 200, tokens_output: 10 }
    expect(all.find((e) => e.parent_span_id === null)).toMatchObject({
      kind: 'llm_call',
      ...content,
      ...usage,
      service: 'openai',
      tokens_total: 210,
      cost_usd: (priceLlmCall(usage)?.micros ?? NaN) / 1e6,
    })
  })

  it('stores any other record as an action, an ERROR one as an error', async () => {
    const key = await newKey()
    await send(
      key,
      logsRequest([
        {
          severityNumber: 17,
          body: 'payment failed\ncard declined',
          attributes: { 'exception.type': 'CardError', order: 7 },
        },
      ]),
    )
    const [e] = await events(key)
    expect(e).toMatchObject({
      kind: 'action',
      action: 'log',
      service: 'test-logs',
      title: 'payment failed',
      input: 'payment failed\ncard declined',
      status: 'error',
      error: { message: 'payment failed', type: 'CardError' },
    })
    expect(e?.metadata).toMatchObject({ attributes: { order: 7 }, otel: { severity: 17 } })
  })

  it('stores a record sent again once, and rejects one with a bad span id', async () => {
    const key = await newKey()
    const body = logsRequest([{ body: 'hello' }, { body: 'bad', spanId: 'zz' }])
    const expected = {
      partialSuccess: {
        rejectedLogRecords: '1',
        errorMessage:
          '1 log record rejected: resourceLogs.0.scopeLogs.0.logRecords.1: spanId must be 16 hex digits (8 bytes); it has 2 characters',
      },
    }
    expect(await send(key, body)).toEqual(expected)
    expect(await send(key, body)).toEqual(expected)
    expect(await events(key)).toHaveLength(1)
  })
})
